using System.Collections.Concurrent;
using System.Globalization;

namespace TinyAgent.Harness.Plan.Faults;

/// <summary>
/// The printer: a fault's canonical description, <c>kind(name=value,...)</c> with every option that has a value in
/// declaration order, written so that <see cref="FaultSpec"/> parses it back to the same fault.
/// </summary>
internal static class FaultDescription
{
    // Planning describes every fault of every plan: the reflection is done once per fault type.
    private static readonly ConcurrentDictionary<Type, FaultKindInfo> Kinds = new();

    public static string Of(IFault fault)
    {
        var info = Kinds.GetOrAdd(fault.GetType(), t => FaultRegistry.Find(FaultAttribute.Of(t).Kind)!);
        var parts = new List<string>();
        foreach (var (property, name) in info.Properties)
        {
            object? value = property.GetValue(fault.Options);
            if (value is not null)
            {
                parts.Add($"{name}={Format(value)}");
            }
        }

        return parts.Count == 0 ? info.Kind : $"{info.Kind}({string.Join(',', parts)})";
    }

    private static string Format(object value) => value switch
    {
        int i => i.ToString(CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        string s => FaultSpec.Quote(s),
        IEnumerable<string> list => string.Join('+', list),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };
}
