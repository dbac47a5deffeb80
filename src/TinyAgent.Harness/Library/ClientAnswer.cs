namespace TinyAgent.Harness.Library;

/// <summary>
/// What your client returned, as its user would see it. The harness has the server's side (what was sent,
/// when the connection closed); this is the client's side. Build it with the factory methods or an initializer.
/// </summary>
public sealed record ClientAnswer
{
    /// <summary>All text deltas joined, as the client's user would see them (partial text on an error or give-up).</summary>
    public string Text { get; init; } = "";

    /// <summary>The <c>stop_reason</c> the client reported, or null.</summary>
    public string? StopReason { get; init; }

    /// <summary>The error the client surfaced (an API error type such as <c>overloaded_error</c>, or an exception type name), or null.</summary>
    public string? ErrorType { get; init; }

    /// <summary>The error's message, shown in the evidence.</summary>
    public string? ErrorMessage { get; init; }

    /// <summary>The consumer gave up on purpose (give-up scenarios). Call <see cref="ScenarioHandle.MarkGaveUp"/> at that moment for exact timing.</summary>
    public bool GaveUp { get; init; }

    /// <summary>An answer the client considers complete.</summary>
    public static ClientAnswer Completed(string text, string? stopReason) => new() { Text = text, StopReason = stopReason };

    /// <summary>The client surfaced an error, with whatever text it had.</summary>
    public static ClientAnswer Failed(string errorType, string message, string partialText = "") =>
        new() { Text = partialText, ErrorType = errorType, ErrorMessage = message };

    /// <summary>The client threw <paramref name="exception"/>; its type name is the error type.</summary>
    public static ClientAnswer FromException(Exception exception, string partialText = "")
    {
        ArgumentNullException.ThrowIfNull(exception);
        return Failed(exception.GetType().Name, exception.Message, partialText);
    }

    /// <summary>The consumer stopped reading after receiving <paramref name="partialText"/>.</summary>
    public static ClientAnswer GaveUpWith(string partialText) => new() { Text = partialText, GaveUp = true };
}
