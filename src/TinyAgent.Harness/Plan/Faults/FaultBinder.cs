using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Plan.Faults;

/// <summary>
/// Binds options to a fault kind: from a config object (deserialized once, straight from its element) or from the
/// name=value pairs of a <see cref="FaultSpec"/> (typed by the option they name), then validates them and creates the
/// fault. Errors are one line naming the field: <c>path.field: what is wrong</c>.
/// </summary>
internal static class FaultBinder
{
    // "kind" is the one member that is not an option; every other name is checked against the kind's options first.
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Skip,
    };

    public static string Label(string path) => path.Length == 0 ? "fault" : path;

    public static string Join(string path, string field) => path.Length == 0 ? field : $"{path}.{field}";

    /// <summary>Creates a fault from a config object <c>{"kind": ..., options...}</c>.</summary>
    public static IFault FromJson(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new HarnessInputException(Label(path), "must be an object with a \"kind\"");
        }

        if (!element.TryGetProperty("kind", out var kindElement))
        {
            throw new HarnessInputException(Join(path, "kind"), $"missing (known kinds: {FaultRegistry.KnownKinds})");
        }

        if (kindElement.ValueKind != JsonValueKind.String)
        {
            throw new HarnessInputException(Join(path, "kind"), "must be a string");
        }

        var info = Kind(kindElement.GetString()!, path);
        foreach (var property in element.EnumerateObject().Where(p => p.Name != "kind"))
        {
            _ = Property(info, property.Name, path);
        }

        return Create(Deserialize(info, path, () => element.Deserialize(info.OptionsType, JsonOptions)), path);
    }

    /// <summary>Creates a fault from a parsed compact spec.</summary>
    public static IFault FromSpec(FaultSpec spec, string path)
    {
        var info = Kind(spec.Kind, path);
        var node = new JsonObject();
        foreach (var (name, value) in spec.Options)
        {
            node[name] = ToNode(Property(info, name, path).PropertyType, value, Join(path, name));
        }

        return Create(Deserialize(info, path, () => node.Deserialize(info.OptionsType, JsonOptions)), path);
    }

    /// <summary>Validates <paramref name="options"/> and creates the fault registered for its type.</summary>
    public static IFault Create(IFaultOptions options, string path = "")
    {
        var info = FaultRegistry.ForOptions(options);
        var errors = options.Validate().Select(e => Join(path, e)).ToList();
        return errors.Count > 0
            ? throw new HarnessInputException(null, string.Join("; ", errors))
            : (IFault)Activator.CreateInstance(info.FaultType, options)!;
    }

    private static FaultKindInfo Kind(string kind, string path) =>
        FaultRegistry.Find(kind)
        ?? throw new HarnessInputException(Join(path, "kind"), $"unknown fault kind '{kind}' (known: {FaultRegistry.KnownKinds})");

    private static PropertyInfo Property(FaultKindInfo info, string name, string path) =>
        info.Properties.FirstOrDefault(p => p.Name == name).Property
        ?? throw new HarnessInputException(Join(path, name), $"unknown option of '{info.Kind}' ({Known(info)})");

    private static string Known(FaultKindInfo info) =>
        info.Options.Count == 0 ? "it has no options" : "known: " + string.Join(", ", info.Options.Select(o => o.Name));

    private static IFaultOptions Deserialize(FaultKindInfo info, string path, Func<object?> deserialize)
    {
        try
        {
            return (IFaultOptions)deserialize()!;
        }
        catch (JsonException ex)
        {
            string field = FieldOf(ex.Path);
            var property = Property(info, field, path);
            throw new HarnessInputException(Join(path, field), $"must be {Expected(property.PropertyType)}");
        }
    }

    private static string FieldOf(string? jsonPath)
    {
        string p = (jsonPath ?? "$").TrimStart('$').TrimStart('.');
        if (p.StartsWith("['", StringComparison.Ordinal))
        {
            return p[2..p.IndexOf('\'', 2)];
        }

        int end = p.IndexOfAny(['.', '[']);
        return end < 0 ? p : p[..end];
    }

    private static string Expected(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type == typeof(int) ? "an integer"
            : type == typeof(double) ? "a number"
            : type == typeof(bool) ? "true or false"
            : type == typeof(string) ? "a string"
            : "an array of strings";
    }

    /// <summary>A spec's text value as the JSON of the option's type.</summary>
    private static JsonNode? ToNode(Type type, string value, string field)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (target == typeof(int))
        {
            return int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int i)
                ? JsonValue.Create(i)
                : throw new HarnessInputException(field, $"'{value}' is not an integer");
        }

        if (target == typeof(double))
        {
            return double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d)
                ? JsonValue.Create(d)
                : throw new HarnessInputException(field, $"'{value}' is not a number");
        }

        if (target == typeof(bool))
        {
            return value switch
            {
                "true" => JsonValue.Create(true),
                "false" => JsonValue.Create(false),
                _ => throw new HarnessInputException(field, $"'{value}' must be true or false"),
            };
        }

        return target == typeof(string)
            ? JsonValue.Create(value)
            : new JsonArray([.. value.Split('+').Select(v => (JsonNode?)JsonValue.Create(v))]);
    }
}
