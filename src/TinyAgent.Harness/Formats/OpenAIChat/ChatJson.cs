using System.Text.Json;

namespace TinyAgent.Harness.Formats.OpenAIChat;

/// <summary>An error object inside a 200 stream: its type (or its code when it has no type), message and code.</summary>
internal sealed record ChatStreamError(string Type, string Message, string? Code);

/// <summary>Reads of a chunk that the reader, the event classes and the assembly share, so they agree on what a chunk holds.</summary>
internal static class ChatJson
{
    /// <summary>The end marker: the data of the stream's last frame.</summary>
    public const string Done = "[DONE]";

    /// <summary>
    /// The error a data frame carries, or null. openai-python raises on any truthy <c>error</c> key (WIRE-OPENAI.md), so a
    /// string or an object with fields is an error; null, false and <c>{}</c> are not. The type is the object's
    /// <c>type</c>, else its <c>code</c> (vLLM's code is a number, the HTTP status), else <c>error</c>.
    /// </summary>
    public static ChatStreamError? Error(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("error", out var error) || !Truthy(error))
        {
            return null;
        }

        if (error.ValueKind != JsonValueKind.Object)
        {
            return new ChatStreamError("error", error.ValueKind == JsonValueKind.String ? error.GetString()! : error.GetRawText(), null);
        }

        string? code = error.TryGetProperty("code", out var c) ? c.ValueKind switch
        {
            JsonValueKind.String => c.GetString(),
            JsonValueKind.Number => c.GetRawText(),
            _ => null,
        } : null;
        string? type = Json.String(error, "type") is { Length: > 0 } t ? t : null;
        return new ChatStreamError(type ?? code ?? "error", Json.String(error, "message") ?? "", code);
    }

    /// <summary>The choice a client shows: the one with <c>index</c> 0 (a missing index counts as 0); null when <c>choices</c> is empty or absent.</summary>
    public static JsonElement? FirstChoice(JsonElement root)
    {
        if (Json.Array(root, "choices") is not { } choices)
        {
            return null;
        }

        foreach (var choice in choices.EnumerateArray())
        {
            if (choice.ValueKind == JsonValueKind.Object && (Json.Int(choice, "index") ?? 0) == 0)
            {
                return choice;
            }
        }

        return null;
    }

    /// <summary>Python's truth: null, false, 0, "", [] and {} are false.</summary>
    private static bool Truthy(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => e.EnumerateObject().Any(),
        JsonValueKind.Array => e.GetArrayLength() > 0,
        JsonValueKind.String => e.GetString()!.Length > 0,
        JsonValueKind.Number => e.GetDouble() != 0,
        JsonValueKind.True => true,
        _ => false,
    };
}
