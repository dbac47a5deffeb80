using TinyAgent.Harness.Formats;
using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Plan;

/// <summary>One write-and-flush of the body.</summary>
/// <param name="Offset">Where <paramref name="Data"/> starts in the planned body.</param>
/// <param name="Data">The bytes to write.</param>
/// <param name="DelayBefore">Scripted wait before writing (latency, recorded timing).</param>
/// <param name="Separate">The plan cut here on purpose (a split): the chunk must reach the client as a read of its own.</param>
internal readonly record struct PlannedChunk(int Offset, ReadOnlyMemory<byte> Data, TimeSpan DelayBefore, bool Separate)
{
    public int End => Offset + Data.Length;
}

/// <summary>Keep the connection open after the last chunk, optionally writing <paramref name="Keepalive"/> every <paramref name="Every"/>.</summary>
internal sealed record StallSpec(TimeSpan? Every, ReadOnlyMemory<byte> Keepalive)
{
    /// <summary>Hold the connection this long at most (the server's stall limit still bounds it). Default: until the client leaves.</summary>
    public TimeSpan? Hold { get; init; }

    /// <summary>
    /// At the end of the hold, end the response normally instead of resetting it: the body was complete and only its
    /// end was late (a slow close), so nothing the client read is lost.
    /// </summary>
    public bool CompletesAfterHold { get; init; }
}

/// <summary>How a <see cref="TimedHeader"/> writes its instant.</summary>
internal enum TimedHeaderFormat
{
    /// <summary>An HTTP date (RFC 9110 IMF-fixdate, <c>Wed, 21 Oct 2025 07:28:00 GMT</c>), as <c>retry-after</c> may carry.</summary>
    HttpDate,

    /// <summary>RFC 3339 in UTC to the second (<c>2025-08-21T12:40:59Z</c>), as the rate-limit reset headers carry.</summary>
    Rfc3339,
}

/// <summary>
/// A header whose value is an instant <paramref name="FromNow"/> after the reply is sent. Plans are deterministic from
/// the seed and never read the clock, so the server writes the instant when it sends the reply, rounded up to the second
/// so the wait it names is never shorter than planned.
/// </summary>
internal sealed record TimedHeader(string Name, TimeSpan FromNow, TimedHeaderFormat Format)
{
    public string Value(DateTimeOffset now)
    {
        var at = now.ToUniversalTime() + FromNow;
        long ticks = at.Ticks % TimeSpan.TicksPerSecond;
        at = ticks == 0 ? at : at.AddTicks(TimeSpan.TicksPerSecond - ticks);
        return Format == TimedHeaderFormat.HttpDate
            ? at.ToString("r", System.Globalization.CultureInfo.InvariantCulture)
            : at.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>
/// A fully planned response: the server replays it byte for byte and adds nothing of its own.
/// Concatenating <see cref="Chunks"/> gives <see cref="Body"/>.
/// </summary>
internal sealed record ReplayPlan(
    int Status,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    byte[] Body,
    IReadOnlyList<PlannedChunk> Chunks,
    StreamEnd End,
    StallSpec? Stall,
    PlanFacts Facts,
    ExpectedResult? Expected,
    IReadOnlyList<string> FaultDescriptions,
    int Seed)
{
    /// <summary>Offsets just after each complete frame in <see cref="Body"/>: used to count events sent.</summary>
    public IReadOnlyList<int> FrameEnds { get; init; } = [];

    /// <summary>The wire format replayed: the server answers the plan only on this format's route.</summary>
    public IWireFormat Format { get; init; } = WireFormats.Anthropic;

    /// <summary>Headers whose value is an instant relative to when the reply is sent (HTTP-date <c>retry-after</c>, rate-limit resets).</summary>
    public IReadOnlyList<TimedHeader> TimedHeaders { get; init; } = [];

    /// <summary>What judges need of this plan, computed once by the planner; the server hands it back with its evidence.</summary>
    public PlanSummary Summary { get; init; } = new();

    /// <summary>Quiet time the replayer keeps on both sides of a separate chunk, so the client's read ends at the cut (measured in docs/server.md).</summary>
    public static TimeSpan SplitGap { get; } = TimeSpan.FromMilliseconds(5);

    /// <summary>The body is an SSE stream (false for an HTTP error's JSON body).</summary>
    public bool IsStream => Status == 200;
}
