using System.Text.Encodings.Web;
using System.Text.Json;
using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Formats;

/// <summary>Tolerant reads of optional JSON fields (null when the field is missing or of another kind), what a value is, for errors, and JSON as the APIs write it.</summary>
internal static class Json
{
    /// <summary>
    /// JSON as the APIs write it: compact, with non-ASCII text and apostrophes as they are, not <c>\uXXXX</c> (captured
    /// streams carry <c>Reykjavík</c>), so what the harness writes into a body reads like its neighbours.
    /// </summary>
    public static JsonSerializerOptions ApiOptions { get; } = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string? String(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public static int? Int(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int n) ? n : null;

    public static JsonElement? Object(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object ? v : null;

    public static JsonElement? Array(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array ? v : null;

    /// <summary>What a JSON value is, with its article, for one-line errors: <c>a string</c>, <c>an array</c>, <c>null</c>.</summary>
    public static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    /// <summary>What a JSON value is, bare, for the readers' <c>a JSON {kind}</c> messages: <c>object</c>, <c>array</c>, ... <c>null</c>.</summary>
    public static string TypeName(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => "null",
    };

    /// <summary>
    /// A reference reader's first step on every event: its data must be one JSON object (the caller disposes it). Throws
    /// naming <paramref name="where"/> (invalid JSON; <paramref name="orElse"/> names what else the data could have been)
    /// or <paramref name="objectWhere"/> (not an object; default <paramref name="where"/>).
    /// </summary>
    public static JsonDocument ParseEvent(string data, string where, string? orElse = null, string? objectWhere = null)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(data);
        }
        catch (JsonException ex)
        {
            throw new HarnessInputException(where, $"data is not valid JSON{(orElse is null ? "" : $" (nor {orElse})")}: {HarnessInputException.JsonReason(ex)}");
        }

        if (doc.RootElement.ValueKind != JsonValueKind.Object)
        {
            var kind = doc.RootElement.ValueKind;
            doc.Dispose();
            throw new HarnessInputException(objectWhere ?? where, $"data is a JSON {TypeName(kind)}, not an object");
        }

        return doc;
    }
}
