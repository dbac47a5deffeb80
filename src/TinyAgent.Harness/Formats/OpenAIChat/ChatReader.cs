using System.Net.ServerSentEvents;
using System.Text.Json;
using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Formats.OpenAIChat;

/// <summary>
/// The reference reader of a Chat Completions stream: <see cref="SseParser"/> framing and a <see cref="JsonDocument"/> per
/// chunk. It reads choice 0 as the SDKs do: <c>delta.content</c> joined is the text (block 0); each tool call's
/// <c>function.arguments</c> pieces, keyed by <c>index</c>, joined are one <c>tool_use</c> block (call <c>k</c> is block
/// <c>k + 1</c>, so text and calls never share an index); the last non-null <c>finish_reason</c> is the stop reason;
/// <c>data: [DONE]</c> is the reply's end; an <c>error</c> object is the stream's error. Reasoning and refusal pieces,
/// usage chunks and Azure's empty-<c>choices</c> chunks carry no answer text.
/// </summary>
internal static class ChatReader
{
    /// <summary>The block index of the answer text.</summary>
    public const int TextBlock = 0;

    /// <summary>The block index of tool call <paramref name="index"/>: after the text block.</summary>
    public static int ToolBlock(int index) => index + 1;

    public static ExpectedResult Read(byte[] body)
    {
        var read = new ExpectedBuilder();
        foreach (var item in SseParser.Create(new MemoryStream(body, writable: false)).Enumerate())
        {
            int events = ++read.EventCount;
            if (item.Data == ChatJson.Done)
            {
                read.HasMessageStop = true;
                continue;
            }

            using (var doc = Json.ParseEvent(item.Data, $"event {events}", orElse: "[DONE]", objectWhere: $"event {events} (chat.completion.chunk)"))
            {
                var root = doc.RootElement;
                var at = new EventAt(events, "chat.completion.chunk");
                if (ChatJson.Error(root) is { } error)
                {
                    read.ErrorType = error.Type;
                    continue;
                }

                read.HasMessageStart = true;
                var choices = Optional(root, "choices", JsonValueKind.Array, at);
                if (choices is null)
                {
                    continue; // a usage-only chunk
                }

                foreach (var choice in choices.Value.EnumerateArray())
                {
                    if (choice.ValueKind != JsonValueKind.Object)
                    {
                        throw at.Error($"a choice is a JSON {Json.TypeName(choice.ValueKind)}, not an object");
                    }

                    if ((OptionalIndex(choice, "index", "choices[].index", at) ?? 0) != 0)
                    {
                        continue; // n > 1: a client shows choice 0
                    }

                    if (Optional(choice, "finish_reason", JsonValueKind.String, at) is { } reason)
                    {
                        read.StopReason = reason.GetString();
                    }

                    if (Optional(choice, "delta", JsonValueKind.Object, at) is not { } delta)
                    {
                        continue; // Azure's content-filter chunks have no delta
                    }

                    if (Optional(delta, "content", JsonValueKind.String, at) is { } content)
                    {
                        string piece = content.GetString()!;
                        read.OpenBlock(TextBlock, "text").Append(piece);
                        read.TextDeltaCount += piece.Length > 0 ? 1 : 0;
                    }

                    foreach (var (index, arguments) in ToolPieces(delta, at))
                    {
                        read.OpenBlock(ToolBlock(index), "tool_use").Append(arguments);
                    }
                }
            }
        }

        return read.Build();
    }

    /// <summary>Each <c>delta.tool_calls[]</c> piece: its call's <c>index</c> (required) and its <c>function.arguments</c> ("" when absent).</summary>
    private static IEnumerable<(int Index, string Arguments)> ToolPieces(JsonElement delta, EventAt at)
    {
        if (Optional(delta, "tool_calls", JsonValueKind.Array, at) is not { } calls)
        {
            yield break;
        }

        foreach (var call in calls.EnumerateArray())
        {
            if (call.ValueKind != JsonValueKind.Object)
            {
                throw at.Error($"a tool_calls piece is a JSON {Json.TypeName(call.ValueKind)}, not an object");
            }

            int index = OptionalIndex(call, "index", "tool_calls[].index", at) ?? throw at.Error("a tool_calls piece has no 'index'");
            var function = Optional(call, "function", JsonValueKind.Object, at);
            string arguments = function is { } f && Optional(f, "arguments", JsonValueKind.String, at) is { } a ? a.GetString()! : "";
            yield return (index, arguments);
        }
    }

    /// <summary>A field of the given kind, or null when it is missing or JSON null; any other kind is a shape error.</summary>
    private static JsonElement? Optional(JsonElement obj, string name, JsonValueKind kind, EventAt at)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == kind ? value : throw at.Error($"field '{name}' must be a JSON {Json.TypeName(kind)}, not a JSON {Json.TypeName(value.ValueKind)}");
    }

    private static int? OptionalIndex(JsonElement obj, string name, string path, EventAt at)
    {
        if (!obj.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int n) && n >= 0
            ? n
            : throw at.Error($"field '{path}' must be a non-negative integer, not {value.GetRawText()}");
    }
}
