namespace TinyAgent.Harness.Library;

/// <summary>
/// Settings of a <see cref="HarnessSession"/>: where the recordings are, the seed that makes fault plans
/// reproducible, and the limits the judges apply. Every limit has a documented default.
/// </summary>
public sealed record HarnessSessionOptions
{
    /// <summary>A folder whose <c>*.sse</c> files (with optional <c>.meta.json</c> sidecars) become the session's recordings, named by file name without <c>.sse</c>.</summary>
    public string? RecordingsFolder { get; init; }

    /// <summary>Explicit recording files (<c>.sse</c>), in addition to <see cref="RecordingsFolder"/>. Relative paths resolve against the current directory.</summary>
    public IReadOnlyList<string> RecordingPaths { get; init; } = [];

    /// <summary>Seed of every random choice a fault makes (random cut sizes, jitter). Default 1.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>The idle timeout your client is configured with: a stall is handled when the client errors within this plus <see cref="StallTolerance"/>. Default 1 s.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How much later than <see cref="IdleTimeout"/> a stall error may come and still count as handled. Default 1 s.</summary>
    public TimeSpan StallTolerance { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How soon after the consumer gave up the server must see the connection closed (ghost-stream). Default 500 ms.</summary>
    public TimeSpan GhostBound { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// A scenario's deadline: <see cref="HarnessSession.RunAsync"/> cancels a client still running then and reports it hung;
    /// <see cref="HarnessSession.JudgeAsync"/> waits at most this (plus 3 s) for the server to finish a request. Default 10 s.
    /// </summary>
    public TimeSpan Deadline { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The clock of the server and the judges. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(RecordingsFolder) && RecordingPaths.Count == 0)
        {
            throw new ArgumentException("HarnessSessionOptions: set RecordingsFolder or RecordingPaths (no recordings to replay)");
        }

        Positive(IdleTimeout, nameof(IdleTimeout));
        Positive(GhostBound, nameof(GhostBound));
        Positive(Deadline, nameof(Deadline));
        if (StallTolerance < TimeSpan.Zero)
        {
            throw new ArgumentException($"HarnessSessionOptions.{nameof(StallTolerance)}: {StallTolerance} is negative");
        }

        ArgumentNullException.ThrowIfNull(TimeProvider);
    }

    private static void Positive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
        {
            throw new ArgumentException($"HarnessSessionOptions.{name}: {value} must be positive");
        }
    }
}

/// <summary>
/// One scenario: a recording replayed with a list of faults, and how the consumer behaves.
/// Fault specs use the CLI's compact form, e.g. <c>split</c>, <c>random:min=1,max=48</c>, <c>error-event:afterEvents=5</c>
/// (see docs/faults.md for every kind and option).
/// </summary>
/// <param name="Recording">The recording's name (file name without <c>.sse</c>).</param>
public sealed record ScenarioOptions(string Recording)
{
    /// <summary>Fault specs applied in order. Empty: the recording as recorded, one chunk per frame.</summary>
    public IReadOnlyList<string> Faults { get; init; } = [];

    /// <summary>
    /// null: the consumer reads everything. N: the consumer gives up after N text deltas (the user navigated away);
    /// the ghost-stream judge then checks that the server saw the connection closed.
    /// </summary>
    public int? GiveUpAfterDeltas { get; init; }

    /// <summary>Overrides <see cref="HarnessSessionOptions.Seed"/> for this scenario.</summary>
    public int? Seed { get; init; }
}
