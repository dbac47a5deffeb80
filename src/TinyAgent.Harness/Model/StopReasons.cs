namespace TinyAgent.Harness.Model;

/// <summary>
/// What a stop reason means, whatever a client calls it. SDKs rename the API's values (Vercel AI: <c>length</c>,
/// <c>content-filter</c>, <c>tool-calls</c>; OpenAI: <c>stop</c>, <c>length</c>, <c>content_filter</c>), so a
/// client's stop reason is compared by meaning, never by spelling.
/// </summary>
internal static class StopReasons
{
    /// <summary>The meaning of a stop reason (<c>stop</c>, <c>length</c>, <c>tool</c>, <c>refusal</c>, <c>pause</c>), or the normalised name when unknown; null for null.</summary>
    public static string? Meaning(string? stopReason) => Normalize(stopReason) switch
    {
        null => null,
        "end_turn" or "stop_sequence" or "stop" or "end" or "completed" => "stop",
        "max_tokens" or "length" or "max_output_tokens" or "model_context_window_exceeded" => "length",
        "tool_use" or "tool_calls" or "function_call" => "tool",
        "refusal" or "content_filter" => "refusal",
        "pause_turn" => "pause",
        var other => other,
    };

    /// <summary>
    /// snake_case: SDKs name the wire's values in their own casing (.NET enums: <c>ToolCalls</c>, <c>ContentFilter</c>;
    /// kebab-case elsewhere); every spelling of one value compares equal.
    /// </summary>
    private static string? Normalize(string? stopReason)
    {
        if (stopReason is null)
        {
            return null;
        }

        var sb = new System.Text.StringBuilder(stopReason.Length + 4);
        string trimmed = stopReason.Trim();
        for (int i = 0; i < trimmed.Length; i++)
        {
            char c = trimmed[i];
            if (char.IsUpper(c) && i > 0 && char.IsLower(trimmed[i - 1]))
            {
                sb.Append('_');
            }

            sb.Append(c == '-' ? '_' : char.ToLowerInvariant(c));
        }

        return sb.ToString();
    }

    /// <summary>The answer was cut by a token limit (<c>max_tokens</c>, <c>length</c>, ...).</summary>
    public static bool IsLength(string? stopReason) => Meaning(stopReason) == "length";
}
