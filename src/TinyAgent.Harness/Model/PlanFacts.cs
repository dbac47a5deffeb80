namespace TinyAgent.Harness.Model;

/// <summary>How the response ends after its last planned chunk.</summary>
internal enum StreamEnd
{
    /// <summary>The response completes normally (the terminating HTTP chunk is sent).</summary>
    Complete,

    /// <summary>The response completes normally but the body was cut short: the client sees a clean end of stream.</summary>
    CleanClose,

    /// <summary>The connection is aborted (TCP reset): the client sees "connection reset".</summary>
    Reset,
}

/// <summary>What the faults did, in terms judges understand. Filled in by the faults while planning.</summary>
internal sealed record PlanFacts
{
    /// <summary>Number of cuts that fall inside a frame (not at a frame boundary).</summary>
    public int CutsInsideFrames { get; init; }

    /// <summary>Names of the protocol-aware cut kinds used (e.g. <c>utf8</c>, <c>crlf</c>).</summary>
    public IReadOnlyList<string> SplitKinds { get; init; } = [];

    /// <summary>An <c>event: error</c> was injected; its error type.</summary>
    public string? InjectedErrorType { get; init; }

    /// <summary>The body was rewritten to end with <c>stop_reason: max_tokens</c>.</summary>
    public bool MaxTokensEnding { get; init; }

    /// <summary>The body was cut before its end (drop or stall).</summary>
    public bool Truncated { get; init; }

    /// <summary>The connection stalls after the last chunk.</summary>
    public bool Stalls { get; init; }

    /// <summary>An HTTP error status answers this attempt instead of the stream.</summary>
    public int? HttpErrorStatus { get; init; }

    /// <summary>A data line with invalid JSON, or unknown event/delta types, was injected.</summary>
    public bool Garbage { get; init; }

    /// <summary>Bytes removed by a lossy fault (0 for lossless plans).</summary>
    public int BytesDropped { get; init; }

    /// <summary>
    /// Lossless variations a real endpoint or gateway produces, by name (<c>bom</c>, <c>line-endings-cr</c>,
    /// <c>line-endings-mixed</c>, <c>done-marker</c>, <c>unknown-types</c>, ...): the client's answer must not change.
    /// </summary>
    public IReadOnlyList<string> WireVariants { get; init; } = [];

    /// <summary>Content stops this long while keepalives keep arriving, then the stream resumes and completes.</summary>
    public TimeSpan? Pause { get; init; }

    /// <summary>
    /// After <c>message_stop</c> the connection stays open (this long at most) instead of ending the body;
    /// <see cref="Timeout.InfiniteTimeSpan"/> when it is held until the client leaves (bounded by the server's stall limit).
    /// </summary>
    public TimeSpan? SlowClose { get; init; }

    /// <summary>The <c>max_tokens</c> ending falls inside a tool_use input: partial JSON, no <c>content_block_stop</c>.</summary>
    public bool ToolCut { get; init; }

    /// <summary>For an HTTP error attempt: the wait the server asked for (retry-after-ms, retry-after seconds or date).</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>For an HTTP error attempt: the <c>x-should-retry</c> header's value, when sent.</summary>
    public bool? ShouldRetry { get; init; }
}

