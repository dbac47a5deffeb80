using System.Net;

namespace TinyAgent.Client;

/// <summary>Base of every error this client raises (caller cancellation stays an <see cref="OperationCanceledException"/>).</summary>
public abstract class AnthropicException : Exception
{
    /// <summary>Creates the exception.</summary>
    protected AnthropicException(string message, Exception? inner = null) : base(message, inner) { }

    /// <summary>The <c>request-id</c>, when known.</summary>
    public string? RequestId { get; internal set; }

    /// <summary>What was accumulated before the failure (null before <c>message_start</c>).</summary>
    public Message? PartialMessage { get; internal set; }
}

/// <summary>An <c>event: error</c> arrived inside a 200 stream.</summary>
public sealed class StreamErrorException(string errorType, string errorMessage)
    : AnthropicException($"Stream error event: {errorType}: {errorMessage}")
{
    /// <summary>e.g. <c>overloaded_error</c>.</summary>
    public string ErrorType { get; } = errorType;

    /// <summary>The server's message.</summary>
    public string ErrorMessage { get; } = errorMessage;
}

/// <summary>The server answered with an HTTP error status (after any retries).</summary>
public sealed class ApiStatusException(HttpStatusCode statusCode, string? errorType, string? errorMessage)
    : AnthropicException($"HTTP {(int)statusCode} {errorType ?? "(no error type)"}: {errorMessage ?? "(no message)"}")
{
    /// <summary>The HTTP status.</summary>
    public HttpStatusCode StatusCode { get; } = statusCode;

    /// <summary><c>error.type</c> from the body, when it had one.</summary>
    public string? ErrorType { get; } = errorType;

    /// <summary><c>error.message</c> from the body.</summary>
    public string? ErrorMessage { get; } = errorMessage;

    /// <summary>From <c>retry-after-ms</c> or <c>retry-after</c>.</summary>
    public TimeSpan? RetryAfter { get; init; }
}

/// <summary>How a stream ended without <c>message_stop</c>.</summary>
public enum IncompleteKind
{
    /// <summary>The body ended in an orderly way (end of body, or "response ended prematurely").</summary>
    CleanClose,

    /// <summary>The connection broke (reset, or another I/O failure).</summary>
    Reset,
}

/// <summary>The stream ended without <c>message_stop</c>.</summary>
public sealed class IncompleteStreamException(IncompleteKind kind, string message, Exception? inner = null)
    : AnthropicException(message, inner)
{
    /// <summary>Clean close or reset.</summary>
    public IncompleteKind Kind { get; } = kind;
}

/// <summary>Which timeout fired.</summary>
public enum TimeoutPhase
{
    /// <summary>No first body byte in time.</summary>
    FirstByte,

    /// <summary>The stream stalled (no bytes, or no content when pings only).</summary>
    Idle,

    /// <summary>The whole call took too long.</summary>
    Total,
}

/// <summary>A timeout owned by the client fired.</summary>
public sealed class StreamTimeoutException(TimeoutPhase phase, string message, Exception? inner = null)
    : AnthropicException(message, inner)
{
    /// <summary>Which timeout.</summary>
    public TimeoutPhase Phase { get; } = phase;
}

/// <summary>The reply stopped at <c>max_tokens</c> and <see cref="MessagesClientOptions.ThrowOnMaxTokens"/> is on.</summary>
public sealed class MaxTokensException(string message) : AnthropicException(message);

/// <summary>The body broke the protocol: not SSE, invalid JSON in <c>data</c>, or events out of order.</summary>
public sealed class StreamProtocolException(string message, Exception? inner = null) : AnthropicException(message, inner);

/// <summary>No response could be obtained (connection refused or broken before any headers), after any retries.</summary>
public sealed class ApiConnectionException(string message, Exception? inner = null) : AnthropicException(message, inner);
