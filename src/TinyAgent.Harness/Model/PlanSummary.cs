namespace TinyAgent.Harness.Model;

/// <summary>Where the frame carrying a text delta ends in the planned body, and how much text a correct reader has by then.</summary>
internal readonly record struct TextDeltaMark(int End, int TextLength);

/// <summary>
/// What judges need to know about the plan the server replayed, computed once when planning: facts, ending,
/// frame ends, text-delta ends and the expected result. Judges read this, never the bytes.
/// </summary>
internal sealed record PlanSummary
{
    public int Status { get; init; } = 200;

    /// <summary>The body is an SSE stream (false for an HTTP error's JSON body).</summary>
    public bool IsStream => Status == 200;

    public StreamEnd End { get; init; }

    public PlanFacts Facts { get; init; } = new();

    /// <summary>What a correct client reads from the planned body; null when the body is unreadable on purpose or not a stream.</summary>
    public ExpectedResult? Expected { get; init; }

    public int BodyLength { get; init; }

    /// <summary>Offsets just after each complete frame of the planned body.</summary>
    public IReadOnlyList<int> FrameEnds { get; init; } = [];

    /// <summary>One mark per text delta, in order.</summary>
    public IReadOnlyList<TextDeltaMark> TextDeltas { get; init; } = [];

    /// <summary>Cuts inside frames with quiet time on both sides: the only cuts that reliably reach a client as reads of their own.</summary>
    public int GappedCutsInsideFrames { get; init; }

    /// <summary>Every wait the plan scripts before its last byte (latency, recorded timing, the quiet time around gapped cuts).</summary>
    public TimeSpan ScriptedWait { get; init; }

    /// <summary>The plan stalls and keeps writing keepalives (pings or comments) meanwhile.</summary>
    public bool StallKeepalive { get; init; }

    public IReadOnlyList<string> Faults { get; init; } = [];

    public int Seed { get; init; }
}
