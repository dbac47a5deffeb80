using TinyAgent.Harness.Formats;
using TinyAgent.Harness.Model;
using TinyAgent.Harness.Recordings;

namespace TinyAgent.Harness.Plan;

/// <summary>
/// The mutable plan that faults transform, over one recording and one attempt. Chunk boundaries are
/// a set of cut offsets, so faults compose: a chunking fault and a split fault add to the same set.
/// </summary>
internal sealed class PlanBuilder
{
    private readonly int _seed;
    private byte[] _body;
    private SseLayout? _layout;
    private IReadOnlyList<WireEvent>? _events;

    public PlanBuilder(Recording recording, int attempt, int seed)
    {
        Recording = recording;
        Attempt = attempt;
        _seed = seed;
        _body = recording.Body;
        Status = recording.Meta.Status;
        Headers = [.. recording.Meta.Headers];
        Random = new Random(seed);
    }

    public Recording Recording { get; }

    /// <summary>1 for the first request to a scenario, 2 for the retry, ...</summary>
    public int Attempt { get; }

    /// <summary>The only source of randomness for faults; seeded from the scenario's seed.</summary>
    public Random Random { get; private set; }

    public byte[] Body => _body;

    /// <summary>The body's layout; while the body is still the recording's, the recording's cached one.</summary>
    /// <summary>The recording's wire format: faults ask it how an error, an ending or a keepalive looks.</summary>
    public IWireFormat Format => Recording.Format;

    /// <summary>The body's events, classified by <see cref="Format"/> (computed again after each body change).</summary>
    public IReadOnlyList<WireEvent> Events => _events ??= ReferenceEquals(_body, Recording.Body) ? Recording.Events : Format.Events(_body, Layout);

    /// <summary>The body's line ending, so inserted frames look like their neighbours.</summary>
    public string LineEnding => SseFrames.LineEnding(_body, Layout);

    public SseLayout Layout => _layout ??= ReferenceEquals(_body, Recording.Body) ? Recording.Layout : SseLayout.Parse(_body);

    public int Status { get; set; }

    public List<KeyValuePair<string, string>> Headers { get; }

    /// <summary>Headers the server dates when it sends the reply (plans never read the clock).</summary>
    public List<TimedHeader> TimedHeaders { get; } = [];

    /// <summary>Offsets (0 &lt; cut &lt; Body.Length) where a new chunk starts.</summary>
    public SortedSet<int> Cuts { get; } = [];

    /// <summary>Cuts that must reach the client as separate reads (a split's purpose).</summary>
    public HashSet<int> SeparateCuts { get; } = [];

    /// <summary>Scripted wait before the chunk starting at an offset; key 0 is the wait before the first byte.</summary>
    public Dictionary<int, TimeSpan> Delays { get; } = [];

    public StreamEnd End { get; set; } = StreamEnd.Complete;

    public StallSpec? Stall { get; set; }

    public PlanFacts Facts { get; set; } = new();

    /// <summary>Set when a Response-stage fault replaced the stream; later stages leave the plan alone.</summary>
    public bool IsHttpError => Facts.HttpErrorStatus is not null;

    /// <summary>Replaces the body (Content stage only: cuts made on the old body would be meaningless).</summary>
    public void ReplaceBody(byte[] body)
    {
        if (Cuts.Count > 0)
        {
            throw new InvalidOperationException("The body can only be replaced before chunking.");
        }

        _body = body;
        _layout = null;
        _events = null;
    }

    /// <summary>
    /// Inserts <paramref name="bytes"/> at <paramref name="at"/> at any stage: cuts, separate cuts and waits at or after
    /// it move with the bytes they belong to (the wait before the first byte stays first), so insertions compose with
    /// chunking, splits and each other. The inserted bytes join the chunk before them unless the caller cuts them.
    /// </summary>
    public void Insert(int at, ReadOnlySpan<byte> bytes)
    {
        int n = bytes.Length;
        if (n == 0)
        {
            return;
        }

        _body = [.. _body.AsSpan(0, at), .. bytes, .. _body.AsSpan(at)];
        _layout = null;
        _events = null;
        int Move(int offset) => offset >= at && offset > 0 ? offset + n : offset;
        int[] cuts = [.. Cuts.Select(Move)];
        int[] separate = [.. SeparateCuts.Select(Move)];
        var delays = Delays.Select(d => (Offset: Move(d.Key), d.Value)).ToList();
        Cuts.Clear();
        SeparateCuts.Clear();
        Delays.Clear();
        Cuts.UnionWith(cuts);
        SeparateCuts.UnionWith(separate);
        foreach (var (offset, delay) in delays)
        {
            Delays[offset] = delay;
        }
    }

    /// <summary>Gives each fault its own stream of random numbers so adding a fault does not reshuffle the others.</summary>
    internal void ReseedFor(int faultPosition) => Random = new Random(unchecked((_seed * 397) ^ (faultPosition + 1)));

    public void AddCut(int offset, bool separate = false)
    {
        if (offset <= 0 || offset >= _body.Length)
        {
            return;
        }

        Cuts.Add(offset);
        if (separate)
        {
            SeparateCuts.Add(offset);
        }
    }

    public void AddDelay(int offset, TimeSpan delay)
    {
        Delays[offset] = Delays.TryGetValue(offset, out var existing) ? existing + delay : delay;
    }

    public ReplayPlan Build(IReadOnlyList<string> descriptions)
    {
        var chunks = new List<PlannedChunk>(Cuts.Count + 1);
        int start = 0;
        foreach (int cut in Cuts.Append(_body.Length))
        {
            if (cut <= start)
            {
                continue;
            }

            chunks.Add(new PlannedChunk(
                start,
                _body.AsMemory(start, cut - start),
                Delays.GetValueOrDefault(start),
                SeparateCuts.Contains(start)));
            start = cut;
        }

        var frameEnds = Layout.FrameEnds.ToHashSet();
        int insideFrames = Cuts.Count(c => !frameEnds.Contains(c));
        ExpectedResult? expected = null;
        if (!IsHttpError)
        {
            try
            {
                // Lossless plans keep the recording's own bytes: its expectation is already derived once.
                expected = ReferenceEquals(_body, Recording.Body) ? Recording.Expected : Format.Read(_body);
            }
            catch (HarnessInputException)
            {
                expected = null; // garbage faults make the body unreadable on purpose
            }
        }

        var facts = Facts with { CutsInsideFrames = insideFrames };
        return new ReplayPlan(Status, Headers, _body, chunks, End, Stall, facts, expected, descriptions, _seed)
        {
            Format = Format,
            TimedHeaders = [.. TimedHeaders],
            FrameEnds = [.. Layout.FrameEnds],
            Summary = new PlanSummary
            {
                Status = Status,
                End = End,
                Facts = facts,
                Expected = expected,
                BodyLength = _body.Length,
                FrameEnds = [.. Layout.FrameEnds],
                TextDeltas = IsHttpError ? [] : TextDeltas(),
                GappedCutsInsideFrames = GappedCuts(chunks, frameEnds),
                ScriptedWait = ScriptedWait(chunks),
                StallKeepalive = Stall is { Keepalive.IsEmpty: false },
                Faults = descriptions,
                Seed = _seed,
            },
        };
    }

    /// <summary>Where each text delta's frame ends and the text a correct reader holds by then: the ghost judge's give-up point.</summary>
    private List<TextDeltaMark> TextDeltas()
    {
        var marks = new List<TextDeltaMark>();
        int length = 0;
        foreach (var e in Events)
        {
            if (e is { Kind: WireEventKind.TextDelta, Text: string text })
            {
                length += text.Length;
                marks.Add(new TextDeltaMark(e.Frame.End, length));
            }
        }

        return marks;
    }

    /// <summary>Cuts inside frames that the replayer surrounds with quiet time (a separate chunk on either side).</summary>
    private static int GappedCuts(List<PlannedChunk> chunks, HashSet<int> frameEnds)
    {
        int gapped = 0;
        for (int i = 1; i < chunks.Count; i++)
        {
            if ((chunks[i].Separate || chunks[i - 1].Separate) && !frameEnds.Contains(chunks[i].Offset))
            {
                gapped++;
            }
        }

        return gapped;
    }

    private static TimeSpan ScriptedWait(List<PlannedChunk> chunks)
    {
        var wait = TimeSpan.Zero;
        for (int i = 0; i < chunks.Count; i++)
        {
            wait += chunks[i].DelayBefore;
            if (i > 0 && (chunks[i].Separate || chunks[i - 1].Separate))
            {
                wait += ReplayPlan.SplitGap;
            }
        }

        return wait;
    }
}
