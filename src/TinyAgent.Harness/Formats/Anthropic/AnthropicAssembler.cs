using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TinyAgent.Harness.Formats.Anthropic;

/// <summary>A recorded stream assembled into what the API answers to <c>"stream": false</c>: one message, or the error the stream carried.</summary>
internal sealed record AssembledMessage(JsonObject? Message, string? ErrorType, string? ErrorMessage)
{
    public byte[] ToJson() => Message is null ? [] : JsonSerializer.SerializeToUtf8Bytes(Message);
}

/// <summary>
/// Folds an event stream into one <c>message</c> object: text, thinking (with signature) and tool input
/// (the <c>input_json_delta</c> pieces concatenated, then parsed) per block; stop reason and usage from
/// <c>message_delta</c>. Unknown events and deltas are ignored, as the API asks of clients; so is a data line that is not JSON.
/// </summary>
internal static class MessageAssembler
{
    public static AssembledMessage Assemble(ReadOnlyMemory<byte> body)
    {
        JsonObject? message = null;
        var blocks = new SortedDictionary<int, JsonObject>();
        var partialJson = new Dictionary<int, StringBuilder>();

        using var stream = new MemoryStream(body.ToArray(), writable: false);
        foreach (var item in SseParser.Create(stream).Enumerate())
        {
            JsonObject? data;
            try
            {
                data = JsonNode.Parse(item.Data) as JsonObject;
            }
            catch (JsonException)
            {
                continue;
            }

            if (data is null)
            {
                continue;
            }

            switch ((string?)data["type"])
            {
                case "message_start":
                    message = data["message"]?.DeepClone() as JsonObject;
                    break;
                case "content_block_start" when Index(data) is int index && data["content_block"]?.DeepClone() is JsonObject block:
                    blocks[index] = block;
                    break;
                case "content_block_delta" when Index(data) is int index && blocks.TryGetValue(index, out var block) && data["delta"] is JsonObject delta:
                    ApplyDelta(block, delta, partialJson, index);
                    break;
                case "content_block_stop" when Index(data) is int index && blocks.TryGetValue(index, out var block):
                    FinishInput(block, partialJson, index);
                    break;
                case "message_delta" when message is not null:
                    if (data["delta"] is JsonObject messageDelta)
                    {
                        foreach (var (name, value) in messageDelta)
                        {
                            message[name] = value?.DeepClone();
                        }
                    }

                    if (data["usage"] is JsonObject usage)
                    {
                        var target = message["usage"] as JsonObject ?? [];
                        foreach (var (name, value) in usage)
                        {
                            target[name] = value?.DeepClone();
                        }

                        message["usage"] = target;
                    }

                    break;
                case "error":
                    return new AssembledMessage(null, (string?)data["error"]?["type"] ?? "api_error", (string?)data["error"]?["message"] ?? "");
            }
        }

        if (message is null)
        {
            return new AssembledMessage(null, "api_error", "The recording has no message_start.");
        }

        foreach (var (index, block) in blocks)
        {
            FinishInput(block, partialJson, index);
        }

        var content = new JsonArray();
        foreach (var block in blocks.Values)
        {
            content.Add(block);
        }

        message["content"] = content;
        return new AssembledMessage(Ordered(message), null, null);
    }

    private static int? Index(JsonObject data) => data["index"] is JsonValue v && v.TryGetValue(out int i) ? i : null;

    private static void ApplyDelta(JsonObject block, JsonObject delta, Dictionary<int, StringBuilder> partialJson, int index)
    {
        switch ((string?)delta["type"])
        {
            case "text_delta":
                block["text"] = (string?)block["text"] + (string?)delta["text"];
                break;
            case "thinking_delta":
                block["thinking"] = (string?)block["thinking"] + (string?)delta["thinking"];
                break;
            case "signature_delta":
                block["signature"] = (string?)block["signature"] + (string?)delta["signature"];
                break;
            case "input_json_delta":
                if (!partialJson.TryGetValue(index, out var sb))
                {
                    partialJson[index] = sb = new StringBuilder();
                }

                sb.Append((string?)delta["partial_json"]);
                break;
            case "citations_delta" when delta["citation"] is JsonNode citation:
                var citations = block["citations"] as JsonArray ?? [];
                citations.Add(citation.DeepClone());
                block["citations"] = citations;
                break;
        }
    }

    private static void FinishInput(JsonObject block, Dictionary<int, StringBuilder> partialJson, int index)
    {
        if (!partialJson.Remove(index, out var sb))
        {
            return;
        }

        string text = sb.ToString();
        try
        {
            block["input"] = text.Length == 0 ? new JsonObject() : JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            block["input"] = text; // broken tool input: keep the raw text rather than invent one
        }
    }

    /// <summary>The API's field order: id, type, role, model, content, stop_reason, stop_sequence, usage, then anything else.</summary>
    private static JsonObject Ordered(JsonObject message)
    {
        string[] order = ["id", "type", "role", "model", "content", "stop_reason", "stop_sequence", "usage"];
        var result = new JsonObject();
        foreach (string name in order)
        {
            result[name] = message[name]?.DeepClone();
        }

        foreach (var (name, value) in message)
        {
            if (!result.ContainsKey(name))
            {
                result[name] = value?.DeepClone();
            }
        }

        return result;
    }
}
