using System.Text;
using System.Text.Json;
using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Clients;

/// <summary>
/// The reply accumulated so far: choice 0's text, its tool calls by index, its finish_reason. Reported as blocks the
/// way the harness numbers a Chat Completions reply (docs/formats.md): the text is block 0, call <c>k</c> block <c>k + 1</c>.
/// </summary>
internal sealed class OpenAIChatReply
{
    private readonly StringBuilder _text = new();
    private readonly SortedDictionary<int, StringBuilder> _tools = [];
    private bool _sawContent;
    private TimeSpan? _firstTextAt;

    public int TextDeltas { get; private set; }

    public string? FinishReason { get; private set; }

    /// <summary>Adds one chunk; returns the error when the chunk is an error object or not JSON.</summary>
    public ClientError? Add(string data, TimeSpan now)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(data);
        }
        catch (JsonException ex)
        {
            return new ClientError("invalid_response", $"a data line is not JSON: {ex.Message}");
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (ErrorOf(root) is { } error)
            {
                return error;
            }

            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("choices", out var choices) || choices.ValueKind != JsonValueKind.Array)
            {
                return null; // a usage-only chunk, or one this client does not know
            }

            foreach (var choice in choices.EnumerateArray())
            {
                if (choice.ValueKind == JsonValueKind.Object && (!choice.TryGetProperty("index", out var i) || (i.ValueKind == JsonValueKind.Number && i.TryGetInt32(out int n) && n == 0)))
                {
                    Choice(choice, now);
                }
            }

            return null;
        }
    }

    private void Choice(JsonElement choice, TimeSpan now)
    {
        if (choice.TryGetProperty("finish_reason", out var reason) && reason.ValueKind == JsonValueKind.String)
        {
            FinishReason = reason.GetString(); // kept: Azure's later filter chunks say null
        }

        if (!choice.TryGetProperty("delta", out var delta) || delta.ValueKind != JsonValueKind.Object)
        {
            return; // Azure's content-filter chunks have no delta
        }

        if (delta.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String)
        {
            string piece = content.GetString()!;
            _sawContent = true;
            _text.Append(piece);
            if (piece.Length > 0)
            {
                TextDeltas++;
                _firstTextAt ??= now;
            }
        }

        if (delta.TryGetProperty("tool_calls", out var calls) && calls.ValueKind == JsonValueKind.Array)
        {
            foreach (var call in calls.EnumerateArray())
            {
                if (call.ValueKind != JsonValueKind.Object || !call.TryGetProperty("index", out var index) || !index.TryGetInt32(out int k))
                {
                    continue;
                }

                var arguments = call.TryGetProperty("function", out var function) && function.ValueKind == JsonValueKind.Object
                    && function.TryGetProperty("arguments", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null;
                (_tools.TryGetValue(k, out var sb) ? sb : _tools[k] = new StringBuilder()).Append(arguments);
            }
        }
    }

    /// <summary>An error object (any truthy <c>error</c>, as openai-python raises on): its type, else its code, else <c>error</c>.</summary>
    public static ClientError? ErrorOf(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("error", out var error))
        {
            return null;
        }

        switch (error.ValueKind)
        {
            case JsonValueKind.Object when error.EnumerateObject().Any():
                string? type = error.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String && t.GetString()!.Length > 0 ? t.GetString() : null;
                string? code = error.TryGetProperty("code", out var c) ? c.ValueKind switch
                {
                    JsonValueKind.String => c.GetString(),
                    JsonValueKind.Number => c.GetRawText(),
                    _ => null,
                } : null;
                string message = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "";
                return new ClientError(type ?? code ?? "error", message);
            case JsonValueKind.String when error.GetString()!.Length > 0:
                return new ClientError("error", error.GetString()!);
            default:
                return null;
        }
    }

    public ClientResult Result(RunHttp http, ClientOutcome outcome, ClientError? error) => http.Result(
        outcome,
        error,
        _text.ToString(),
        _sawContent ? new Dictionary<int, string> { [0] = _text.ToString() } : new Dictionary<int, string>(),
        _tools.ToDictionary(kv => kv.Key + 1, kv => kv.Value.ToString()),
        FinishReason,
        _firstTextAt);
}
