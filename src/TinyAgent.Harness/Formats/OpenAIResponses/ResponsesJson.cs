using System.Text.Json;
using System.Text.Json.Nodes;

namespace TinyAgent.Harness.Formats.OpenAIResponses;

/// <summary>JSON as the API writes it: compact, non-ASCII text as UTF-8 (captured streams carry <c>Reykjavík</c>, not <c>\u00ED</c>).</summary>
internal static class ResponsesJson
{
    public static string Write(JsonNode node) => node.ToJsonString(Json.ApiOptions);

    public static byte[] WriteUtf8(JsonNode node) => JsonSerializer.SerializeToUtf8Bytes(node, Json.ApiOptions);

    /// <summary>The data of an event frame as an object, or null when it is not a JSON object (a gateway's <c>[DONE]</c>, garbage).</summary>
    public static JsonObject? Parse(string data)
    {
        try
        {
            return JsonNode.Parse(data) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static int? Int(JsonObject data, string name) => data[name] is JsonValue v && v.TryGetValue(out int i) ? i : null;

    public static string? String(JsonObject? data, string name) => data?[name] is JsonValue v && v.TryGetValue(out string? s) ? s : null;
}
