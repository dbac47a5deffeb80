using System.Net.ServerSentEvents;
using System.Text.Json;
using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Formats.Anthropic;

/// <summary>
/// The harness's own slow, obviously-correct reader: <see cref="SseParser"/> framing and a
/// <see cref="JsonDocument"/> per event. Judges compare clients against what it derives.
/// </summary>
internal static class AnthropicReader
{
    public static ExpectedResult Read(byte[] body)
    {
        var read = new ExpectedBuilder();
        foreach (var (events, eventName, root) in read.Events(body))
        {
            string type = root.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String
                ? t.GetString()!
                : eventName;
            var at = new EventAt(events, type);
            switch (type)
            {
                case "message_start":
                    read.HasMessageStart = true;
                    break;
                case "content_block_start":
                    {
                        int index = at.Index(root, "index");
                        var block = at.Object(root, "content_block");
                        string blockType = at.String(block, "type", "content_block.type");
                        bool hasText = blockType == "text" && block.TryGetProperty("text", out _);
                        read.StartBlock(index, blockType, hasText ? at.String(block, "text", "content_block.text") : "");
                        break;
                    }

                case "content_block_delta":
                    {
                        int index = at.Index(root, "index");
                        var delta = at.Object(root, "delta");
                        var text = read.Block(index)
                            ?? throw new HarnessInputException($"event {events}", $"content_block_delta for block {index}, which never started");
                        switch (at.String(delta, "type", "delta.type"))
                        {
                            case "text_delta":
                                read.TextDeltaCount++;
                                text.Append(at.String(delta, "text", "delta.text"));
                                break;
                            case "input_json_delta":
                                text.Append(at.String(delta, "partial_json", "delta.partial_json"));
                                break;
                            case "thinking_delta":
                                text.Append(at.String(delta, "thinking", "delta.thinking"));
                                break;
                            default:
                                break; // signature, citations and future delta types carry no text
                        }

                        break;
                    }

                case "message_delta":
                    if (at.Object(root, "delta").TryGetProperty("stop_reason", out var sr) && sr.ValueKind == JsonValueKind.String)
                    {
                        read.StopReason = sr.GetString();
                    }

                    break;
                case "message_stop":
                    read.HasMessageStop = true;
                    break;
                case "error":
                    read.ErrorType = root.TryGetProperty("error", out var err) && err.ValueKind == JsonValueKind.Object
                        && err.TryGetProperty("type", out var et) && et.ValueKind == JsonValueKind.String
                        ? et.GetString()!
                        : "error";
                    break;
                default:
                    break; // ping, content_block_stop and unknown event types
            }
        }

        return read.Build();
    }
}
