using System.Text.Json.Nodes;

namespace TinyAgent.Harness.Formats.OpenAIResponses;

/// <summary>
/// The events that end a Responses stream early, numbered on from the events kept (WIRE-OPENAI.md "Framing":
/// <c>sequence_number</c> from 0, up by one).
/// </summary>
internal static class ResponsesEndings
{
    /// <summary>
    /// An <c>event: error</c> in the nested shape live traffic uses (WIRE-OPENAI.md "Error event": openai-python raises
    /// only for it, openai-node on any <c>event: error</c>); <paramref name="type"/> is both its <c>type</c> and <c>code</c>,
    /// as in the captured <c>too_many_requests</c> one. The stream ends there.
    /// </summary>
    public static byte[] Error(IReadOnlyList<WireEvent> before, byte[] body, string type, string message, string eol)
    {
        var error = new JsonObject
        {
            ["type"] = "error",
            ["sequence_number"] = SequenceNumbers.Next(before, body),
            ["error"] = new JsonObject { ["type"] = type, ["code"] = type, ["message"] = message, ["param"] = null },
        };
        return SseFrames.Frame("error", ResponsesJson.Write(error), eol);
    }

    /// <summary>
    /// The output limit hit after <paramref name="before"/>: with <paramref name="closeOpenBlocks"/> every open part and
    /// item is closed as the API closes them (<c>response.output_text.done</c> with the text so far,
    /// <c>response.content_part.done</c>, <c>response.output_item.done</c> with status <c>incomplete</c>), then
    /// <c>response.incomplete</c> with <c>incomplete_details.reason: "max_output_tokens"</c> and the response as it stands.
    /// Without it (a cut tool call) the open items stay open and appear in the response as they are, status incomplete.
    /// </summary>
    public static byte[] Length(IReadOnlyList<WireEvent> before, byte[] body, int outputTokens, bool closeOpenBlocks, string eol)
    {
        var fold = new ResponseFold();
        foreach (var e in before)
        {
            if (ResponsesJson.Parse(SseFrames.Data(body, e.Frame)) is { } data)
            {
                fold.Apply(data);
            }
        }

        long sequence = SequenceNumbers.Next(before, body);
        var ending = new List<byte>();
        void Write(string type, JsonObject fields)
        {
            var e = new JsonObject { ["type"] = type, ["sequence_number"] = sequence++ };
            foreach (var (name, value) in fields)
            {
                e[name] = value?.DeepClone();
            }

            ending.AddRange(SseFrames.Frame(type, ResponsesJson.Write(e), eol));
        }

        if (closeOpenBlocks)
        {
            var openParts = fold.OpenParts.ToList();
            foreach (var (index, item) in fold.Items.Where(kv => !fold.DoneItems.Contains(kv.Key)).ToList())
            {
                string? id = ResponsesJson.String(item, "id");
                foreach (var (_, list, part) in openParts.Where(p => p.Item == index))
                {
                    ClosePart(Write, item, id, index, list, part);
                }

                if (ResponsesJson.String(item, "type") == "function_call")
                {
                    Write("response.function_call_arguments.done", new JsonObject { ["item_id"] = id, ["output_index"] = index, ["arguments"] = ResponsesJson.String(item, "arguments") ?? "" });
                }

                if (item.ContainsKey("status"))
                {
                    item["status"] = "incomplete";
                }

                Write("response.output_item.done", new JsonObject { ["output_index"] = index, ["item"] = item.DeepClone() });
            }
        }

        var response = fold.Response ?? new JsonObject { ["id"] = "resp_harness", ["object"] = "response" };
        response["status"] = "incomplete";
        response["incomplete_details"] = new JsonObject { ["reason"] = "max_output_tokens" };
        response["max_output_tokens"] = outputTokens;
        var output = new JsonArray();
        foreach (var item in fold.Items.Values)
        {
            var copy = (JsonObject)item.DeepClone();
            if (copy.ContainsKey("status") && ResponsesJson.String(copy, "status") == "in_progress")
            {
                copy["status"] = "incomplete";
            }

            output.Add(copy);
        }

        response["output"] = output;

        // The input's size is not in the stream before its end; the output's is what the fault says was generated.
        response["usage"] = new JsonObject
        {
            ["input_tokens"] = 0,
            ["input_tokens_details"] = new JsonObject { ["cached_tokens"] = 0 },
            ["output_tokens"] = outputTokens,
            ["output_tokens_details"] = new JsonObject { ["reasoning_tokens"] = 0 },
            ["total_tokens"] = outputTokens,
        };
        Write("response.incomplete", new JsonObject { ["response"] = response });
        return [.. ending];
    }

    private static void ClosePart(Action<string, JsonObject> write, JsonObject item, string? id, int index, string list, int at)
    {
        if (item[list] is not JsonArray parts || at >= parts.Count || parts[at] is not JsonObject part)
        {
            return;
        }

        if (list == "summary")
        {
            var where = new JsonObject { ["item_id"] = id, ["output_index"] = index, ["summary_index"] = at };
            write("response.reasoning_summary_text.done", With(where, ("text", ResponsesJson.String(part, "text") ?? "")));
            write("response.reasoning_summary_part.done", With(where, ("part", part.DeepClone())));
            return;
        }

        var place = new JsonObject { ["item_id"] = id, ["output_index"] = index, ["content_index"] = at };
        if (ResponsesJson.String(part, "type") == "refusal")
        {
            write("response.refusal.done", With(place, ("refusal", ResponsesJson.String(part, "refusal") ?? "")));
        }
        else
        {
            write("response.output_text.done", With(place, ("text", ResponsesJson.String(part, "text") ?? ""), ("logprobs", new JsonArray())));
        }

        write("response.content_part.done", With(place, ("part", part.DeepClone())));
    }

    private static JsonObject With(JsonObject where, params (string Name, JsonNode? Value)[] fields)
    {
        var result = (JsonObject)where.DeepClone();
        foreach (var (name, value) in fields)
        {
            result[name] = value;
        }

        return result;
    }
}
