namespace TinyAgent.Harness.Model;

/// <summary>
/// The same client's run on the same recording with no fault. A fault is charged only with what the client gets wrong
/// because of it: a failure its control shows too is not the fault's.
/// </summary>
/// <param name="Baseline">The baseline judge's verdict on the control: handled when it read the stream as the reference reader does.</param>
internal sealed record ControlRun(string RunId, ClientResult Result, Verdict Baseline, string BaselineEvidence);

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

    /// <summary>The plan of the request that carried the stream (the last attempt), as the server reported it.</summary>
    public required PlanSummary Plan { get; init; }

    /// <summary>This run is the control: the client on the recording with no fault, paced frame by frame.</summary>
    public bool IsControl { get; init; }

    /// <summary>The same client's control run on the same recording, which fault judges compare with; null when there is none.</summary>
    public ControlRun? Control { get; init; }

    public required ClientResult Result { get; init; }

    /// <summary>One entry per request the client made, in order (retries make several).</summary>
    public required IReadOnlyList<ServerEvidence> Server { get; init; }

    /// <summary>Ticks per second of the <see cref="TimeProvider"/> whose timestamps the client and server recorded.</summary>
    public long TimestampFrequency { get; init; } = TimeProvider.System.TimestampFrequency;
}
