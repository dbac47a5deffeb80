using System.Text.Json.Nodes;

namespace TinyAgent.Harness.Formats.OpenAIResponses;

/// <summary>
/// Folds Responses events into the reply they describe, as the SDKs' stream accumulators do: the <c>response</c> of
/// <c>response.created</c>, each output item by <c>output_index</c> with its content parts, arguments and summary parts
/// grown by their deltas, and how the stream ended. Unknown event types are ignored (WIRE-OPENAI.md "Unknown events").
/// Used for the non-streaming reply and to close a stream cut by the output limit.
/// </summary>
internal sealed class ResponseFold
{
    private readonly SortedSet<(int Item, string List, int Index)> _openParts = [];

    /// <summary>The response as <c>response.created</c> (or a later <c>response.in_progress</c>) showed it.</summary>
    public JsonObject? Response { get; private set; }

    /// <summary>Output items by <c>output_index</c>, as far as the events went.</summary>
    public SortedDictionary<int, JsonObject> Items { get; } = [];

    /// <summary>Items whose <c>response.output_item.done</c> arrived.</summary>
    public HashSet<int> DoneItems { get; } = [];

    /// <summary>The whole response of <c>response.completed</c> or <c>response.incomplete</c>.</summary>
    public JsonObject? Final { get; private set; }

    /// <summary>The error a <c>response.failed</c> (its <c>response.error</c>) or an <c>error</c> event carried: type or code, and message.</summary>
    public (string Type, string Message)? Error { get; private set; }

    /// <summary>Content parts (<c>content</c>) and summary parts (<c>summary</c>) added and not yet done, in order.</summary>
    public IEnumerable<(int Item, string List, int Index)> OpenParts => _openParts;

    public void Apply(JsonObject data)
    {
        int? index = ResponsesJson.Int(data, "output_index");
        JsonObject? item = index is int n ? Items.GetValueOrDefault(n) : null;
        switch (ResponsesJson.String(data, "type"))
        {
            case "response.created" or "response.in_progress" when data["response"] is JsonObject response:
                Response = (JsonObject)response.DeepClone();
                break;
            case "response.output_item.added" when index is int i && data["item"] is JsonObject added:
                Items[i] = (JsonObject)added.DeepClone();
                break;
            case "response.output_item.done" when index is int i && data["item"] is JsonObject done:
                Items[i] = (JsonObject)done.DeepClone();
                DoneItems.Add(i);
                _openParts.RemoveWhere(p => p.Item == i);
                break;
            case "response.content_part.added" when item is not null:
                SetPart(index!.Value, item, "content", data);
                break;
            case "response.reasoning_summary_part.added" when item is not null:
                SetPart(index!.Value, item, "summary", data);
                break;
            case "response.content_part.done" when item is not null:
                SetPart(index!.Value, item, "content", data, done: true);
                break;
            case "response.reasoning_summary_part.done" when item is not null:
                SetPart(index!.Value, item, "summary", data, done: true);
                break;
            case "response.output_text.delta" when item is not null:
                Append(Part(index!.Value, item, "content", data, "output_text"), "text", data);
                break;
            case "response.refusal.delta" when item is not null:
                Append(Part(index!.Value, item, "content", data, "refusal"), "refusal", data);
                break;
            case "response.reasoning_summary_text.delta" when item is not null:
                Append(Part(index!.Value, item, "summary", data, "summary_text"), "text", data);
                break;
            case "response.function_call_arguments.delta" when item is not null:
                Append(item, "arguments", data);
                break;
            case "response.completed" or "response.incomplete" when data["response"] is JsonObject final:
                Final = (JsonObject)final.DeepClone();
                break;
            case "response.failed":
                var failed = data["response"]?["error"] as JsonObject;
                Error = (ResponsesJson.String(failed, "code") ?? "server_error", ResponsesJson.String(failed, "message") ?? "");
                break;
            case "error":
                // Live traffic nests the error; the documented shape is flat (WIRE-OPENAI.md "Error event").
                var nested = data["error"] as JsonObject;
                Error = (ResponsesJson.String(nested, "type") ?? ResponsesJson.String(nested, "code") ?? ResponsesJson.String(data, "code") ?? "error",
                    ResponsesJson.String(nested, "message") ?? ResponsesJson.String(data, "message") ?? "");
                break;
            default:
                break;
        }
    }

    /// <summary>The part at <c>content_index</c> / <c>summary_index</c> of an item's list, made (of <paramref name="partType"/>) when a delta comes first.</summary>
    private JsonObject Part(int item, JsonObject owner, string list, JsonObject data, string partType)
    {
        int at = ResponsesJson.Int(data, list == "content" ? "content_index" : "summary_index") ?? 0;
        var parts = List(owner, list);
        if (at < parts.Count && parts[at] is JsonObject part)
        {
            return part;
        }

        var made = new JsonObject { ["type"] = partType, [partType == "refusal" ? "refusal" : "text"] = "" };
        Put(parts, at, made);
        _openParts.Add((item, list, at));
        return made;
    }

    private void SetPart(int item, JsonObject owner, string list, JsonObject data, bool done = false)
    {
        int at = ResponsesJson.Int(data, list == "content" ? "content_index" : "summary_index") ?? 0;
        if (data["part"] is JsonObject part)
        {
            Put(List(owner, list), at, part.DeepClone());
        }

        if (done)
        {
            _openParts.Remove((item, list, at));
        }
        else
        {
            _openParts.Add((item, list, at));
        }
    }

    private static JsonArray List(JsonObject owner, string list)
    {
        if (owner[list] is JsonArray parts)
        {
            return parts;
        }

        var made = new JsonArray();
        owner[list] = made;
        return made;
    }

    private static void Put(JsonArray parts, int at, JsonNode part)
    {
        while (parts.Count <= at)
        {
            parts.Add(null);
        }

        parts[at] = part;
    }

    private static void Append(JsonObject target, string field, JsonObject data) =>
        target[field] = ResponsesJson.String(target, field) + ResponsesJson.String(data, "delta");
}
