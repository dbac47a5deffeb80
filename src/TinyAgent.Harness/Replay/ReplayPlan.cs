using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Replay;

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
internal sealed record StallSpec(TimeSpan? Every, ReadOnlyMemory<byte> Keepalive);

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

    /// <summary>What judges need of this plan, computed once by the planner; the server hands it back with its evidence.</summary>
    public PlanSummary Summary { get; init; } = new();

    /// <summary>Quiet time the replayer keeps on both sides of a separate chunk, so the client's read ends at the cut (measured in docs/server.md).</summary>
    public static TimeSpan SplitGap { get; } = TimeSpan.FromMilliseconds(5);

    /// <summary>The body is an SSE stream (false for an HTTP error's JSON body).</summary>
    public bool IsStream => Status == 200;
}
