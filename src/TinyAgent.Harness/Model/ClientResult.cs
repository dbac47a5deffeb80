namespace TinyAgent.Harness.Model;

/// <summary>How a client's run ended, as the harness saw it.</summary>
internal enum ClientOutcome
{
    /// <summary>The client returned an answer it considers complete.</summary>
    Completed,

    /// <summary>The client surfaced an error (exception, error result, non-zero exit).</summary>
    Failed,

    /// <summary>The consumer gave up on purpose (give-up consumer model) and the client returned.</summary>
    GaveUp,

    /// <summary>Still running at the scenario deadline: abandoned (process tree killed for exec clients).</summary>
    Hung,

    /// <summary>An exec client that died or wrote no readable result file.</summary>
    Crashed,
}

/// <summary>An error the client surfaced: its kind (error type or exception type) and message.</summary>
internal sealed record ClientError(string Type, string Message);

/// <summary>One read the client made from the response body: bytes, and when (offset from the run's start).</summary>
internal readonly record struct ClientRead(int Size, TimeSpan At);

/// <summary>What a client under test returned, and what the harness measured around it.</summary>
internal sealed record ClientResult
{
    public ClientOutcome Outcome { get; init; }

    /// <summary>All text deltas joined, as the client's user would see them.</summary>
    public string Text { get; init; } = "";

    /// <summary>Text per block index, when the client exposes blocks (in-process clients).</summary>
    public IReadOnlyDictionary<int, string>? BlockTexts { get; init; }

    /// <summary>Tool inputs per block index as the client rebuilt them (raw JSON text).</summary>
    public IReadOnlyDictionary<int, string>? ToolInputs { get; init; }

    public string? StopReason { get; init; }

    public ClientError? Error { get; init; }

    /// <summary>Reads from the response body, when the harness could instrument them.</summary>
    public IReadOnlyList<ClientRead>? Reads { get; init; }

    public TimeSpan? FirstByteAt { get; init; }
    public TimeSpan? FirstTextAt { get; init; }
    public TimeSpan? EndedAt { get; init; }

    /// <summary>When the consumer gave up (give-up model), on the run's clock.</summary>
    public TimeSpan? GaveUpAt { get; init; }

    /// <summary>Server clock reading (<see cref="TimeProvider.GetTimestamp"/>) when the run started.</summary>
    public long StartedTimestamp { get; init; }

    public int? ExitCode { get; init; }

    /// <summary>How an exec client's answer was read: <c>result-file</c> or <c>stdout</c> (no result file); null in process.</summary>
    public string? Read { get; init; }
    public string? Stdout { get; init; }
    public string? Stderr { get; init; }
}
