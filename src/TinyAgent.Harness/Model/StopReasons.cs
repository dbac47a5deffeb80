namespace TinyAgent.Harness.Model;

/// <summary>
/// What a stop reason means, whatever a client calls it. SDKs rename the API's values (Vercel AI: <c>length</c>,
/// <c>content-filter</c>, <c>tool-calls</c>; OpenAI: <c>stop</c>, <c>length</c>, <c>content_filter</c>), so a
/// client's stop reason is compared by meaning, never by spelling.
/// </summary>
internal static class StopReasons
{
    /// <summary>The meaning of a stop reason (<c>stop</c>, <c>length</c>, <c>tool</c>, <c>refusal</c>, <c>pause</c>), or the normalised name when unknown; null for null.</summary>
    public static string? Meaning(string? stopReason) => stopReason?.Trim().ToLowerInvariant().Replace('-', '_') switch
    {
        null => null,
        "end_turn" or "stop_sequence" or "stop" or "end" or "completed" => "stop",
        "max_tokens" or "length" or "max_output_tokens" or "model_context_window_exceeded" => "length",
        "tool_use" or "tool_calls" or "function_call" => "tool",
        "refusal" or "content_filter" => "refusal",
        "pause_turn" => "pause",
        var other => other,
    };

    /// <summary>The answer was cut by a token limit (<c>max_tokens</c>, <c>length</c>, ...).</summary>
    public static bool IsLength(string? stopReason) => Meaning(stopReason) == "length";
}
