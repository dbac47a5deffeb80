using System.Text.Json;
using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Config;

/// <summary>Typed reads from a JSON object with errors that name the file and the field path.</summary>
internal readonly struct JsonNav(string file, string path, JsonElement element)
{
    public string File { get; } = file;
    public string Path { get; } = path;
    public JsonElement Element { get; } = element;

    public HarnessInputException Error(string what) => new($"{File}: {(Path.Length == 0 ? "(root)" : Path)}", what);

    public JsonNav Child(string name, JsonElement value) => new(File, Path.Length == 0 ? name : $"{Path}.{name}", value);

    public JsonNav Item(int index, JsonElement value) => new(File, $"{Path}[{index}]", value);

    public JsonNav RequireObject(params string[] allowed)
    {
        if (Element.ValueKind != JsonValueKind.Object)
        {
            throw Error($"must be an object, not {Formats.Json.Kind(Element)}");
        }

        foreach (var property in Element.EnumerateObject())
        {
            if (allowed.Length > 0 && !allowed.Contains(property.Name, StringComparer.Ordinal) && property.Name != "$schema")
            {
                throw Child(property.Name, property.Value).Error($"unknown property (expected one of: {string.Join(", ", allowed)})");
            }
        }

        return this;
    }

    public bool TryGet(string name, out JsonNav value)
    {
        if (Element.ValueKind == JsonValueKind.Object && Element.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null)
        {
            value = Child(name, v);
            return true;
        }

        value = default;
        return false;
    }

    public JsonNav Required(string name) =>
        TryGet(name, out var v) ? v : throw Error($"missing required property '{name}'");

    public string String()
    {
        if (Element.ValueKind != JsonValueKind.String)
        {
            throw Error($"must be a string, not {Formats.Json.Kind(Element)}");
        }

        return Element.GetString()!;
    }

    public string NonEmptyString()
    {
        string s = String();
        return s.Trim().Length == 0 ? throw Error("must not be empty") : s;
    }

    public long Integer(long min = long.MinValue, long max = long.MaxValue)
    {
        if (Element.ValueKind != JsonValueKind.Number || !Element.TryGetInt64(out long value))
        {
            throw Error($"must be an integer, not {Formats.Json.Kind(Element)}");
        }

        if (value < min)
        {
            throw Error($"must be at least {min}, not {value}");
        }

        return value > max ? throw Error($"must be at most {max}, not {value}") : value;
    }

    public bool Boolean() => Element.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw Error($"must be true or false, not {Formats.Json.Kind(Element)}"),
    };

    public IEnumerable<JsonNav> Array()
    {
        if (Element.ValueKind != JsonValueKind.Array)
        {
            throw Error($"must be an array, not {Formats.Json.Kind(Element)}");
        }

        int i = 0;
        foreach (var item in Element.EnumerateArray())
        {
            yield return Item(i++, item);
        }
    }

    public IEnumerable<JsonNav> Properties()
    {
        RequireObject();
        foreach (var p in Element.EnumerateObject())
        {
            yield return Child(p.Name, p.Value);
        }
    }

    public string Name => Path[(Path.LastIndexOf('.') + 1)..];
}
