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
        var read = new ExpectedBuilder();
        long? lastSequence = null;
        foreach (var (events, eventName, root) in read.Events(body))
        {
            bool named = eventName != SseParser.EventTypeDefault;
            string type = Json.String(root, "type") ?? (named ? eventName : throw new HarnessInputException($"event {events}", "no event name and no field 'type'"));
            var at = new EventAt(events, type);
            if (named && type != eventName)
            {
                throw at.Error($"the event line names '{eventName}' but the data's type is '{type}'");
            }

            lastSequence = Sequence(root, lastSequence, at);
            switch (type)
            {
                case "response.created":
                    read.HasMessageStart = true;
                    break;
                case "response.output_item.added":
                    {
                        int index = at.Index(root, "output_index");
                        var added = at.Object(root, "item");
                        string itemType = at.String(added, "type", "item.type");
                        read.StartBlock(index, BlockType(itemType), itemType == "function_call" ? Json.String(added, "arguments") ?? "" : "");
                        break;
                    }

                case "response.output_text.delta":
                    read.TextDeltaCount++;
                    Block(read, at, root).Append(at.String(root, "delta", "delta"));
                    break;
                case "response.function_call_arguments.delta":
                case "response.reasoning_summary_text.delta":
                    Block(read, at, root).Append(at.String(root, "delta", "delta"));
                    break;
                case "response.completed" or "response.incomplete" or "response.failed":
                    {
                        var response = at.Object(root, "response");
                        read.StopReason = Json.Object(response, "incomplete_details") is { } details && Json.String(details, "reason") is { } reason
                            ? reason
                            : at.String(response, "status", "response.status");
                        if (type == "response.failed")
                        {
                            read.ErrorType = Json.Object(response, "error") is { } error ? Json.String(error, "code") ?? "server_error" : "server_error";
                        }
                        else
                        {
                            read.HasMessageStop = true;
                        }

                        break;
                    }

                case "error":
                    // Live traffic nests the error, the reference documents it flat (WIRE-OPENAI.md "Error event").
                    read.ErrorType = Json.Object(root, "error") is { } nested
                        ? Json.String(nested, "type") ?? Json.String(nested, "code") ?? "error"
                        : Json.String(root, "code") ?? "error";
                    break;
                default:
                    break; // in_progress, parts, .done events, refusals and the many types the API adds
            }
        }

        return read.Build();
    }

    /// <summary>The block type judges compare by: answer text, tool calls; reasoning and other items pass their own type.</summary>
    public static string BlockType(string itemType) => itemType switch
    {
        "message" => "text",
        "function_call" => "tool_use",
        _ => itemType,
    };

    /// <summary>Checks <c>sequence_number</c> (when present) is a non-negative integer one after the last; returns the last seen.</summary>
    private static long? Sequence(JsonElement root, long? last, EventAt at)
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

    private static StringBuilder Block(ExpectedBuilder read, EventAt at, JsonElement root)
    {
        int index = at.Index(root, "output_index");
        return read.Block(index) ?? throw at.Error($"a delta for output item {index}, which was never added");
    }
}
