using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;

using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Plan.Faults;

/// <summary>One option of a fault kind, for docs and schema: its config name, CLR type and default.</summary>
internal sealed record FaultOptionInfo(string Name, Type Type, object? Default);

/// <summary>A registered fault kind.</summary>
internal sealed record FaultKindInfo(string Kind, Type FaultType, Type OptionsType, FaultStage Stage, IReadOnlyList<FaultOptionInfo> Options);

/// <summary>
/// Finds every <see cref="IFault"/> class marked with <see cref="FaultAttribute"/> (no list to keep up to date)
/// and creates faults from config JSON (<c>{"kind":"split","fraction":0.5}</c>), from a compact spec
/// (<c>split:kinds=utf8+crlf,fraction=0.5</c>) or from a description (<c>split(kinds=utf8+crlf,fraction=0.5)</c>).
/// <see cref="Describe"/> gives the canonical description, and parsing it gives the same fault back.
/// </summary>
internal static class FaultRegistry
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow,
    };

    private static readonly FrozenDictionary<string, FaultKindInfo> ByKind = Discover().ToFrozenDictionary(k => k.Kind, StringComparer.Ordinal);

    private static readonly ConcurrentDictionary<(Type Fault, Type Options), (string? Kind, (PropertyInfo Property, string Name)[] Properties)> Shapes = new();

    private static readonly FrozenDictionary<Type, FaultKindInfo> ByOptionsType = ByKind.Values.ToFrozenDictionary(k => k.OptionsType);

    /// <summary>Every registered kind, sorted by name.</summary>
    public static IReadOnlyList<FaultKindInfo> Kinds { get; } = [.. ByKind.Values.OrderBy(k => k.Kind, StringComparer.Ordinal)];

    public static FaultKindInfo? Find(string kind) => ByKind.GetValueOrDefault(kind);

    /// <summary>Validates <paramref name="options"/> and creates the fault registered for its type.</summary>
    public static IFault Create(IFaultOptions options, string path = "")
    {
        var info = ByOptionsType.GetValueOrDefault(options.GetType())
            ?? throw new ArgumentException($"No fault is registered for {options.GetType().Name}.", nameof(options));
        var errors = options.Validate().Select(e => Join(path, e)).ToList();
        if (errors.Count > 0)
        {
            throw new HarnessInputException(null, string.Join("; ", errors));
        }

        return (IFault)Activator.CreateInstance(info.FaultType, options)!;
    }

    /// <summary>Creates a fault from a config object <c>{"kind": ..., options...}</c>; <paramref name="path"/> names it in errors (e.g. <c>scenarios[2].faults[0]</c>).</summary>
    public static IFault FromJson(JsonElement element, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new HarnessInputException(Label(path), $"must be an object with a \"kind\"");
        }

        if (!element.TryGetProperty("kind", out var kindElement))
        {
            throw new HarnessInputException(Join(path, "kind"), $"missing (known kinds: {KnownKinds})");
        }

        if (kindElement.ValueKind != JsonValueKind.String)
        {
            throw new HarnessInputException(Join(path, "kind"), $"must be a string");
        }

        var info = Kind(kindElement.GetString()!, path);
        var options = (JsonObject)JsonNode.Parse(element.GetRawText())!;
        options.Remove("kind");
        return FromNode(info, options, path);
    }

    /// <summary>Creates a fault from the JSON text of a config object.</summary>
    public static IFault FromJson(string json, string path)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new HarnessInputException(Label(path), $"not valid JSON ({HarnessInputException.JsonReason(ex)})");
        }

        using (doc)
        {
            return FromJson(doc.RootElement, path);
        }
    }

    /// <summary>
    /// Creates a fault from a compact spec <c>kind:name=value,...</c> or a description <c>kind(name=value,...)</c>;
    /// list values are joined with <c>+</c>, strings with special characters are JSON-quoted.
    /// </summary>
    public static IFault Parse(string spec, string path)
    {
        spec = spec.Trim();
        int split = spec.IndexOfAny([':', '(']);
        string kind = split < 0 ? spec : spec[..split];
        string args = "";
        if (split >= 0)
        {
            args = spec[(split + 1)..];
            if (spec[split] == '(')
            {
                if (!args.EndsWith(')'))
                {
                    throw new HarnessInputException(Label(path), $"'{spec}' is missing its closing ')'");
                }

                args = args[..^1];
            }
        }

        var info = Kind(kind, path);
        var node = new JsonObject();
        foreach (var (name, value) in Pairs(args, path))
        {
            var property = Property(info, name, path);
            node[name] = ToNode(property.PropertyType, value, Join(path, name));
        }

        return FromNode(info, node, path);
    }

    /// <summary>The canonical description, e.g. <c>random(min=1,max=64)</c>: every option that has a value, in declaration order.</summary>
    public static string Describe(IFault fault)
    {
        // Planning describes every fault of every plan: the reflection is done once per fault type.
        var (kind, properties) = Shapes.GetOrAdd((fault.GetType(), fault.Options.GetType()), ShapeOf);
        if (kind is null)
        {
            throw new ArgumentException($"{fault.GetType().Name} has no [Fault] attribute.", nameof(fault));
        }

        var parts = new List<string>();
        foreach (var (property, name) in properties)
        {
            object? value = property.GetValue(fault.Options);
            if (value is not null)
            {
                parts.Add($"{name}={Format(value)}");
            }
        }

        return parts.Count == 0 ? kind : $"{kind}({string.Join(',', parts)})";
    }

    private static string KnownKinds => string.Join(", ", Kinds.Select(k => k.Kind));

    private static string Label(string path) => path.Length == 0 ? "fault" : path;

    private static string Join(string path, string field) => path.Length == 0 ? field : $"{path}.{field}";

    private static IEnumerable<FaultKindInfo> Discover()
    {
        foreach (var type in typeof(FaultRegistry).Assembly.GetTypes())
        {
            var attribute = type.GetCustomAttribute<FaultAttribute>();
            if (attribute is null || !typeof(IFault).IsAssignableFrom(type))
            {
                continue;
            }

            var defaults = (IFaultOptions)Activator.CreateInstance(attribute.OptionsType)!;
            var sample = (IFault)Activator.CreateInstance(type, defaults)!;
            var options = OptionProperties(attribute.OptionsType)
                .Select(p => new FaultOptionInfo(JsonNamingPolicy.CamelCase.ConvertName(p.Name), p.PropertyType, p.GetValue(defaults)))
                .ToList();
            yield return new FaultKindInfo(attribute.Kind, type, attribute.OptionsType, sample.Stage, options);
        }
    }

    private static (string? Kind, (PropertyInfo Property, string Name)[] Properties) ShapeOf((Type Fault, Type Options) types) =>
        (types.Fault.GetCustomAttribute<FaultAttribute>()?.Kind,
         [.. OptionProperties(types.Options).Select(p => (p, JsonNamingPolicy.CamelCase.ConvertName(p.Name)))]);

    private static IEnumerable<PropertyInfo> OptionProperties(Type optionsType) =>
        optionsType.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).OrderBy(p => p.MetadataToken);

    private static FaultKindInfo Kind(string kind, string path) =>
        ByKind.GetValueOrDefault(kind)
        ?? throw new HarnessInputException(Join(path, "kind"), $"unknown fault kind '{kind}' (known: {KnownKinds})");

    private static PropertyInfo Property(FaultKindInfo info, string name, string path) =>
        OptionProperties(info.OptionsType).FirstOrDefault(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name) == name)
        ?? throw new HarnessInputException(Join(path, name), $"unknown option of '{info.Kind}' ({Known(info)})");

    private static string Known(FaultKindInfo info) =>
        info.Options.Count == 0 ? "it has no options" : "known: " + string.Join(", ", info.Options.Select(o => o.Name));

    private static IFault FromNode(FaultKindInfo info, JsonObject node, string path)
    {
        foreach (var (name, _) in node)
        {
            _ = Property(info, name, path);
        }

        IFaultOptions options;
        try
        {
            options = (IFaultOptions)node.Deserialize(info.OptionsType, JsonOptions)!;
        }
        catch (JsonException ex)
        {
            string field = FieldOf(ex.Path);
            var property = Property(info, field, path);
            throw new HarnessInputException(Join(path, field), $"must be {Expected(property.PropertyType)}");
        }

        return Create(options, path);
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

        if (target == typeof(string))
        {
            return JsonValue.Create(value);
        }

        return new JsonArray([.. value.Split('+').Select(v => (JsonNode?)JsonValue.Create(v))]);
    }

    /// <summary>Splits <c>a=1,b="x,y"</c> into pairs; a value starting with a quote is a JSON string.</summary>
    private static IEnumerable<(string Name, string Value)> Pairs(string args, string path)
    {
        int pos = 0;
        while (pos < args.Length)
        {
            int eq = args.IndexOf('=', pos);
            if (eq < 0)
            {
                throw new HarnessInputException(Label(path), $"'{args[pos..]}' is not name=value");
            }

            string name = args[pos..eq].Trim();
            pos = eq + 1;
            string value;
            if (pos < args.Length && args[pos] == '"')
            {
                int end = pos + 1;
                while (end < args.Length && args[end] != '"')
                {
                    end += args[end] == '\\' ? 2 : 1;
                }

                if (end >= args.Length)
                {
                    throw new HarnessInputException(Join(path, name), $"unterminated quoted value");
                }

                value = JsonSerializer.Deserialize<string>(args[pos..(end + 1)])!;
                pos = end + 1;
            }
            else
            {
                int end = args.IndexOf(',', pos);
                end = end < 0 ? args.Length : end;
                value = args[pos..end].Trim();
                pos = end;
            }

            if (pos < args.Length && args[pos] != ',')
            {
                throw new HarnessInputException(Join(path, name), $"expected ',' after the value");
            }

            pos++;
            yield return (name, value);
        }
    }

    private static string Format(object value) => value switch
    {
        int i => i.ToString(CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        string s => NeedsQuotes(s) ? JsonSerializer.Serialize(s) : s,
        IEnumerable<string> list => string.Join('+', list),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    private static bool NeedsQuotes(string s) =>
        s.Length == 0 || s.Trim() != s || s.AsSpan().IndexOfAny(",()=+\"\\") >= 0 || s.Any(char.IsControl);
}
