using System.Collections.Frozen;
using System.Reflection;
using System.Text.Json;
using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Plan.Faults;

/// <summary>One option of a fault kind, for docs and schema: its config name, CLR type and default.</summary>
internal sealed record FaultOptionInfo(string Name, Type Type, object? Default);

/// <summary>A registered fault kind.</summary>
internal sealed record FaultKindInfo(string Kind, Type FaultType, Type OptionsType, FaultStage Stage, IReadOnlyList<FaultOptionInfo> Options)
{
    /// <summary>The settable option properties in declaration order, with their config (camelCase) names.</summary>
    public IReadOnlyList<(PropertyInfo Property, string Name)> Properties { get; } = FaultRegistry.OptionProperties(OptionsType);
}

/// <summary>
/// Finds every <see cref="IFault"/> class marked with <see cref="FaultAttribute"/> (no list to keep up to date), and
/// is the way in: a fault from config JSON (<c>{"kind":"split","fraction":0.5}</c>, <see cref="FaultBinder"/>), from a
/// compact spec or a description (<c>split:fraction=0.5</c>, <c>split(fraction=0.5)</c>, <see cref="FaultSpec"/>), and
/// back to its canonical description (<see cref="FaultDescription"/>); parsing a description gives the same fault back.
/// </summary>
internal static class FaultRegistry
{
    private static readonly FrozenDictionary<string, FaultKindInfo> ByKind = Discover().ToFrozenDictionary(k => k.Kind, StringComparer.Ordinal);

    private static readonly FrozenDictionary<Type, FaultKindInfo> ByOptionsType = ByKind.Values.ToFrozenDictionary(k => k.OptionsType);

    /// <summary>Every registered kind, sorted by name.</summary>
    public static IReadOnlyList<FaultKindInfo> Kinds { get; } = [.. ByKind.Values.OrderBy(k => k.Kind, StringComparer.Ordinal)];

    public static string KnownKinds => string.Join(", ", Kinds.Select(k => k.Kind));

    public static FaultKindInfo? Find(string kind) => ByKind.GetValueOrDefault(kind);

    /// <summary>The kind registered for <paramref name="options"/>' type.</summary>
    public static FaultKindInfo ForOptions(IFaultOptions options) =>
        ByOptionsType.GetValueOrDefault(options.GetType())
        ?? throw new ArgumentException($"No fault is registered for {options.GetType().Name}.", nameof(options));

    /// <summary>Creates a fault from a config object <c>{"kind": ..., options...}</c>; <paramref name="path"/> names it in errors (e.g. <c>scenarios[2].faults[0]</c>).</summary>
    public static IFault FromJson(JsonElement element, string path) => FaultBinder.FromJson(element, path);

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
            throw new HarnessInputException(FaultBinder.Label(path), $"not valid JSON ({HarnessInputException.JsonReason(ex)})");
        }

        using (doc)
        {
            return FaultBinder.FromJson(doc.RootElement, path);
        }
    }

    /// <summary>Creates a fault from a compact spec <c>kind:name=value,...</c> or a description <c>kind(name=value,...)</c>.</summary>
    public static IFault Parse(string spec, string path) => FaultBinder.FromSpec(FaultSpec.Parse(spec, path), path);

    /// <summary>The canonical description, e.g. <c>random(min=1,max=64)</c>.</summary>
    public static string Describe(IFault fault) => FaultDescription.Of(fault);

    internal static IReadOnlyList<(PropertyInfo Property, string Name)> OptionProperties(Type optionsType) =>
        [.. optionsType.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite)
            .OrderBy(p => p.MetadataToken)
            .Select(p => (p, JsonNamingPolicy.CamelCase.ConvertName(p.Name)))];

    private static IEnumerable<FaultKindInfo> Discover()
    {
        foreach (var type in typeof(FaultRegistry).Assembly.GetTypes())
        {
            var attribute = type.GetCustomAttribute<FaultAttribute>();
            if (attribute is null || !typeof(IFault).IsAssignableFrom(type))
            {
                continue;
            }

            var defaults = Activator.CreateInstance(attribute.OptionsType)!;
            var options = OptionProperties(attribute.OptionsType)
                .Select(p => new FaultOptionInfo(p.Name, p.Property.PropertyType, p.Property.GetValue(defaults)))
                .ToList();
            yield return new FaultKindInfo(attribute.Kind, type, attribute.OptionsType, attribute.Stage, options);
        }
    }
}
