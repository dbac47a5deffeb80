using System.Net.ServerSentEvents;
using System.Text.Json;

namespace TinyAgent.Harness.Recordings;

/// <summary>Thrown when a body is not a readable Messages event stream; the message names the event and what is wrong.</summary>
internal sealed class RecordingFormatException(string message) : Exception(message);

/// <summary>
/// The harness's own slow, obviously-correct reader: <see cref="SseParser"/> framing and a
/// <see cref="JsonDocument"/> per event. Judges compare clients against what it derives.
/// </summary>
internal static class ReferenceReader
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
            events++;
            JsonDocument doc;
            try
            {
                doc = JsonDocument.Parse(item.Data);
            }
            catch (JsonException ex)
            {
                throw new RecordingFormatException($"event {events} ({item.EventType}): data is not valid JSON: {ex.Message}");
            }

            using (doc)
            {
                var root = doc.RootElement;
                string type = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String
                    ? t.GetString()!
                    : item.EventType;
                switch (type)
                {
                    case "message_start":
                        start = true;
                        break;
                    case "content_block_start":
                        {
                            int index = root.GetProperty("index").GetInt32();
                            var block = root.GetProperty("content_block");
                            string blockType = block.GetProperty("type").GetString() ?? "unknown";
                            var sb = new System.Text.StringBuilder();
                            if (blockType == "text" && block.TryGetProperty("text", out var initial))
                            {
                                sb.Append(initial.GetString());
                            }

                            blocks[index] = (blockType, sb);
                            break;
                        }

                    case "content_block_delta":
                        {
                            int index = root.GetProperty("index").GetInt32();
                            var delta = root.GetProperty("delta");
                            if (!blocks.TryGetValue(index, out var block))
                            {
                                throw new RecordingFormatException($"event {events}: content_block_delta for block {index}, which never started");
                            }

                            switch (delta.GetProperty("type").GetString())
                            {
                                case "text_delta":
                                    textDeltas++;
                                    block.Text.Append(delta.GetProperty("text").GetString());
                                    break;
                                case "input_json_delta":
                                    block.Text.Append(delta.GetProperty("partial_json").GetString());
                                    break;
                                case "thinking_delta":
                                    block.Text.Append(delta.GetProperty("thinking").GetString());
                                    break;
                                default:
                                    break; // signature, citations and future delta types carry no text
                            }

                            break;
                        }

                    case "message_delta":
                        if (root.GetProperty("delta").TryGetProperty("stop_reason", out var sr) && sr.ValueKind == JsonValueKind.String)
                        {
                            stopReason = sr.GetString();
                        }

                        break;
                    case "message_stop":
                        stop = true;
                        break;
                    case "error":
                        errorType = root.TryGetProperty("error", out var err) && err.TryGetProperty("type", out var et)
                            ? et.GetString() ?? "error"
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
}
