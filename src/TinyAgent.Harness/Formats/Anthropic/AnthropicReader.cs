using TinyAgent.Harness.Model;
using System.Net.ServerSentEvents;
using System.Text.Json;

namespace TinyAgent.Harness.Formats.Anthropic;

/// <summary>
/// The harness's own slow, obviously-correct reader: <see cref="SseParser"/> framing and a
/// <see cref="JsonDocument"/> per event. Judges compare clients against what it derives.
/// </summary>
internal static class AnthropicReader
{
    public static ExpectedResult Read(byte[] body)
    {
        var blocks = new SortedDictionary<int, (string Type, System.Text.StringBuilder Text)>();
        string? stopReason = null;
        string? errorType = null;
        bool start = false, stop = false;
        int textDeltas = 0, events = 0;

        var parser = SseParser.Create(new MemoryStream(body, writable: false));
        foreach (var item in parser.Enumerate())
        {
            if (item.Data == "[DONE]")
            {
                continue; // a gateway's end marker (Azure APIM, LiteLLM): not a Messages event, a correct client ignores it
            }

            events++;
            using (var doc = Json.ParseEvent(item.Data, $"event {events} ({item.EventType})"))
            {
                var root = doc.RootElement;
                string type = root.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String
                    ? t.GetString()!
                    : item.EventType;
                var at = new Where(events, type);
                switch (type)
                {
                    case "message_start":
                        start = true;
                        break;
                    case "content_block_start":
                        {
                            int index = Int(root, "index", at);
                            var block = Obj(root, "content_block", at);
                            string blockType = Str(block, "type", at, "content_block.type");
                            var sb = new System.Text.StringBuilder();
                            if (blockType == "text" && block.TryGetProperty("text", out _))
                            {
                                sb.Append(Str(block, "text", at, "content_block.text"));
                            }

                            blocks[index] = (blockType, sb);
                            break;
                        }

                    case "content_block_delta":
                        {
                            int index = Int(root, "index", at);
                            var delta = Obj(root, "delta", at);
                            if (!blocks.TryGetValue(index, out var block))
                            {
                                throw new HarnessInputException($"event {events}", $"content_block_delta for block {index}, which never started");
                            }

                            switch (Str(delta, "type", at, "delta.type"))
                            {
                                case "text_delta":
                                    textDeltas++;
                                    block.Text.Append(Str(delta, "text", at, "delta.text"));
                                    break;
                                case "input_json_delta":
                                    block.Text.Append(Str(delta, "partial_json", at, "delta.partial_json"));
                                    break;
                                case "thinking_delta":
                                    block.Text.Append(Str(delta, "thinking", at, "delta.thinking"));
                                    break;
                                default:
                                    break; // signature, citations and future delta types carry no text
                            }

                            break;
                        }

                    case "message_delta":
                        if (Obj(root, "delta", at).TryGetProperty("stop_reason", out var sr) && sr.ValueKind == JsonValueKind.String)
                        {
                            stopReason = sr.GetString();
                        }

                        break;
                    case "message_stop":
                        stop = true;
                        break;
                    case "error":
                        errorType = root.TryGetProperty("error", out var err) && err.ValueKind == JsonValueKind.Object
                            && err.TryGetProperty("type", out var et) && et.ValueKind == JsonValueKind.String
                            ? et.GetString()!
                            : "error";
                        break;
                    default:
                        break; // ping, content_block_stop and unknown event types
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

    private static int Int(JsonElement obj, string name, Where at)
    {
        if (!obj.TryGetProperty(name, out var value))
        {
            throw at.Error($"missing field '{name}'");
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out int n) || n < 0)
        {
            throw at.Error($"field '{name}' must be a non-negative integer, not a JSON {Json.TypeName(value.ValueKind)} ({value.GetRawText()})");
        }

        return n;
    }

    private static JsonElement Obj(JsonElement obj, string name, Where at)
    {
        if (!obj.TryGetProperty(name, out var value))
        {
            throw at.Error($"missing field '{name}'");
        }

        return value.ValueKind == JsonValueKind.Object
            ? value
            : throw at.Error($"field '{name}' must be an object, not a JSON {Json.TypeName(value.ValueKind)}");
    }

    private static string Str(JsonElement obj, string name, Where at, string path)
    {
        if (!obj.TryGetProperty(name, out var value))
        {
            throw at.Error($"missing field '{path}'");
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw at.Error($"field '{path}' must be a string, not a JSON {Json.TypeName(value.ValueKind)}");
    }

    /// <summary>Which event a shape error is in, for one-line messages.</summary>
    private readonly record struct Where(int Event, string Type)
    {
        public HarnessInputException Error(string what) => new($"event {Event} ({Type})", what);
    }
}
