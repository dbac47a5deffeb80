using System.Text.Json;
using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Formats;

/// <summary>
/// Which event a reference reader is in (its number and type), and the reader's strict reads of that event's fields: a
/// field that is missing or of another kind is a one-line shape error naming the event and the field's path.
/// </summary>
internal readonly record struct EventAt(int Event, string Type)
{
    public HarnessInputException Error(string what) => new($"event {Event} ({Type})", what);

    /// <summary>A required non-negative integer, such as a block's index.</summary>
    public int Index(JsonElement obj, string name)
    {
        var value = Required(obj, name, name);
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int n) && n >= 0
            ? n
            : throw Error($"field '{name}' must be a non-negative integer, not a JSON {Json.TypeName(value.ValueKind)} ({value.GetRawText()})");
    }

    /// <summary>A required object; <paramref name="path"/> names it in errors (default: its name).</summary>
    public JsonElement Object(JsonElement obj, string name, string? path = null)
    {
        var value = Required(obj, name, path ?? name);
        return value.ValueKind == JsonValueKind.Object
            ? value
            : throw Error($"field '{path ?? name}' must be an object, not a JSON {Json.TypeName(value.ValueKind)}");
    }

    /// <summary>A required string; <paramref name="path"/> names it in errors.</summary>
    public string String(JsonElement obj, string name, string path)
    {
        var value = Required(obj, name, path);
        return value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw Error($"field '{path}' must be a string, not a JSON {Json.TypeName(value.ValueKind)}");
    }

    private JsonElement Required(JsonElement obj, string name, string path) =>
        obj.TryGetProperty(name, out var value) ? value : throw Error($"missing field '{path}'");
}
