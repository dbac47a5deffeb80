using TinyAgent.Harness.Recordings;
using TinyAgent.Harness.Replay;

namespace TinyAgent.Harness.Model;

/// <summary>How the consumer of a client behaves in a run.</summary>
/// <param name="GiveUpAfterDeltas">null: read everything; N: stop after N text deltas (the user navigated away) while the process keeps running.</param>
internal sealed record ConsumerModel(string Name, int? GiveUpAfterDeltas)
{
    public static ConsumerModel ReadAll { get; } = new("read-all", null);
}

/// <summary>The time limits of a run (Polly's timeouts for clients that take them, and the harness's deadline).</summary>
internal sealed record RunTimeouts(TimeSpan FirstByte, TimeSpan Idle, TimeSpan Total, TimeSpan Deadline)
{
    /// <summary>How much later than <see cref="Idle"/> a stall error may arrive and still count as handled.</summary>
    public TimeSpan StallTolerance { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How soon after giving up the server must see the connection closed.</summary>
    public TimeSpan GhostBound { get; init; } = TimeSpan.FromMilliseconds(500);
}

/// <summary>Everything one run observed: the ground floor that judges and reports read. No behaviour.</summary>
internal sealed record RunObservation
{
    public required string RunId { get; init; }
    public required string Client { get; init; }
    public required string Recording { get; init; }
    public required string Scenario { get; init; }
    public required IReadOnlyList<string> Faults { get; init; }
    public required ConsumerModel Consumer { get; init; }
    public required RunTimeouts Timeouts { get; init; }

    /// <summary>What the unfaulted recording says.</summary>
    public required ExpectedResult RecordingExpected { get; init; }

    /// <summary>The plan of the request that carried the stream (the last attempt).</summary>
    public required ReplayPlan Plan { get; init; }

    public required ClientResult Result { get; init; }

    /// <summary>One entry per request the client made, in order (retries make several).</summary>
    public required IReadOnlyList<ServerEvidence> Server { get; init; }

    /// <summary>Ticks per second of the <see cref="TimeProvider"/> whose timestamps the client and server recorded.</summary>
    public long TimestampFrequency { get; init; } = TimeProvider.System.TimestampFrequency;
}
