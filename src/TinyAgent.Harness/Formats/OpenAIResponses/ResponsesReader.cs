using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;
using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Formats.OpenAIResponses;

/// <summary>
/// The harness's own slow, obviously-correct reader of a Responses stream: <see cref="SseParser"/> framing and a
/// <see cref="JsonDocument"/> per event. Blocks are output items by <c>output_index</c>: a message's
/// <c>output_text</c> deltas (type <c>text</c>), a function call's argument deltas (type <c>tool_use</c>), a reasoning
/// item's summary deltas (type <c>reasoning</c>). The stop reason is <c>incomplete_details.reason</c>, else the response's
/// <c>status</c> (<c>completed</c>), as the SDKs' users read it.
/// </summary>
internal static class ResponsesReader
{
    public static ExpectedResult Read(byte[] body)
    {
        var blocks = new SortedDictionary<int, (string Type, StringBuilder Text)>();
        string? stopReason = null;
        string? errorType = null;
        bool start = false, stop = false;
        int textDeltas = 0, events = 0;
        long? lastSequence = null;

        foreach (var item in SseParser.Create(new MemoryStream(body, writable: false)).Enumerate())
        {
            if (item.Data == "[DONE]")
            {
                continue; // a gateway's end marker (WIRE-OPENAI.md: "gateways may add one"); a correct client ignores it
            }

            events++;
            using (var doc = Json.ParseEvent(item.Data, $"event {events} ({item.EventType})"))
            {
                var root = doc.RootElement;
                bool named = item.EventType != SseParser.EventTypeDefault;
                string type = Json.String(root, "type") ?? (named ? item.EventType : throw new HarnessInputException($"event {events}", "no event name and no field 'type'"));
                var at = new Where(events, type);
                if (named && type != item.EventType)
                {
                    throw at.Error($"the event line names '{item.EventType}' but the data's type is '{type}'");
                }

                lastSequence = Sequence(root, lastSequence, at);
                switch (type)
                {
                    case "response.created":
                        start = true;
                        break;
                    case "response.output_item.added":
                        {
                            int index = Int(root, "output_index", at);
                            var added = Obj(root, "item", at, "item");
                            string itemType = Str(added, "type", at, "item.type");
                            string initial = itemType == "function_call" ? Json.String(added, "arguments") ?? "" : "";
                            blocks[index] = (BlockType(itemType), new StringBuilder(initial));
                            break;
                        }

                    case "response.output_text.delta":
                        textDeltas++;
                        Block(blocks, root, at).Append(Str(root, "delta", at, "delta"));
                        break;
                    case "response.function_call_arguments.delta":
                    case "response.reasoning_summary_text.delta":
                        Block(blocks, root, at).Append(Str(root, "delta", at, "delta"));
                        break;
                    case "response.completed" or "response.incomplete" or "response.failed":
                        {
                            var response = Obj(root, "response", at, "response");
                            stopReason = Json.Object(response, "incomplete_details") is { } details && Json.String(details, "reason") is { } reason
                                ? reason
                                : Str(response, "status", at, "response.status");
                            if (type == "response.failed")
                            {
                                errorType = Json.Object(response, "error") is { } error ? Json.String(error, "code") ?? "server_error" : "server_error";
                            }
                            else
                            {
                                stop = true;
                            }

                            break;
                        }

                    case "error":
                        // Live traffic nests the error, the reference documents it flat (WIRE-OPENAI.md "Error event").
                        errorType = Json.Object(root, "error") is { } nested
                            ? Json.String(nested, "type") ?? Json.String(nested, "code") ?? "error"
                            : Json.String(root, "code") ?? "error";
                        break;
                    default:
                        break; // in_progress, parts, .done events, refusals and the many types the API adds
                }
            }
        }

        return new ExpectedResult(
            blocks.Select(kv => new ExpectedBlock(kv.Key, kv.Value.Type, kv.Value.Text.ToString())).ToList(),
            stopReason,
            start,
            stop,
            errorType,
            textDeltas,
            events);
    }

    /// <summary>The block type judges compare by: answer text, tool calls; reasoning and other items pass their own type.</summary>
    public static string BlockType(string itemType) => itemType switch
    {
        "message" => "text",
        "function_call" => "tool_use",
        _ => itemType,
    };

    /// <summary>Checks <c>sequence_number</c> (when present) is a non-negative integer one after the last; returns the last seen.</summary>
    private static long? Sequence(JsonElement root, long? last, Where at)
    {
        if (!root.TryGetProperty("sequence_number", out var value))
        {
            return last;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out long n) || n < 0)
        {
            throw at.Error($"field 'sequence_number' must be a non-negative integer, not {value.GetRawText()}");
        }

        return last is long previous && n != previous + 1
            ? throw at.Error($"sequence_number {n} follows {previous}; it goes up by one")
            : n;
    }

    private static StringBuilder Block(SortedDictionary<int, (string Type, StringBuilder Text)> blocks, JsonElement root, Where at)
    {
        int index = Int(root, "output_index", at);
        return blocks.TryGetValue(index, out var block)
            ? block.Text
            : throw at.Error($"a delta for output item {index}, which was never added");
    }

    private static int Int(JsonElement obj, string name, Where at)
    {
        if (!obj.TryGetProperty(name, out var value))
        {
            throw at.Error($"missing field '{name}'");
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int n) && n >= 0
            ? n
            : throw at.Error($"field '{name}' must be a non-negative integer, not a JSON {Json.TypeName(value.ValueKind)} ({value.GetRawText()})");
    }

    private static JsonElement Obj(JsonElement obj, string name, Where at, string path)
    {
        if (!obj.TryGetProperty(name, out var value))
        {
            throw at.Error($"missing field '{path}'");
        }

        return value.ValueKind == JsonValueKind.Object ? value : throw at.Error($"field '{path}' must be an object, not a JSON {Json.TypeName(value.ValueKind)}");
    }

    private static string Str(JsonElement obj, string name, Where at, string path)
    {
        if (!obj.TryGetProperty(name, out var value))
        {
            throw at.Error($"missing field '{path}'");
        }

        return value.ValueKind == JsonValueKind.String ? value.GetString()! : throw at.Error($"field '{path}' must be a string, not a JSON {Json.TypeName(value.ValueKind)}");
    }

    /// <summary>Which event a shape error is in, for one-line messages.</summary>
    private readonly record struct Where(int Event, string Type)
    {
        public HarnessInputException Error(string what) => new($"event {Event} ({Type})", what);
    }
}
