using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TinyAgent.Harness.Formats.OpenAIResponses;

/// <summary>JSON as the API writes it: compact, non-ASCII text as UTF-8 (captured streams carry <c>Reykjavík</c>, not <c>\u00ED</c>).</summary>
internal static class ResponsesJson
{
    public static JavaScriptEncoder Encoder => JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    private static readonly JsonSerializerOptions s_options = new() { Encoder = Encoder };

    public static string Write(JsonNode node) => node.ToJsonString(s_options);

    public static byte[] WriteUtf8(JsonNode node) => JsonSerializer.SerializeToUtf8Bytes(node, s_options);

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
