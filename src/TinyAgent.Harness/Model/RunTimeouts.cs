namespace TinyAgent.Harness.Model;

/// <summary>The time limits of a run (Polly's timeouts for clients that take them, and the harness's deadline).</summary>
internal sealed record RunTimeouts(TimeSpan FirstByte, TimeSpan Idle, TimeSpan Total, TimeSpan Deadline)
{
    /// <summary>How much later than <see cref="Idle"/> a stall error may arrive and still count as handled.</summary>
    public TimeSpan StallTolerance { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How soon after giving up the server must see the connection closed.</summary>
    public TimeSpan GhostBound { get; init; } = TimeSpan.FromMilliseconds(500);
}
