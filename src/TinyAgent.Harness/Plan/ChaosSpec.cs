using System.Globalization;
using TinyAgent.Harness.Model;
using TinyAgent.Harness.Plan.Faults;

namespace TinyAgent.Harness.Plan;

/// <summary>One weighted choice of <c>--chaos</c>: a fault (null for <c>none</c>, the unfaulted stream) and its weight.</summary>
internal sealed record ChaosEntry(IFault? Fault, double Weight)
{
    public string Name => Fault is null ? "none" : FaultRegistry.Describe(Fault);
}

/// <summary>
/// <c>--chaos split=3,error-event=1,drop=1,stall=1</c>: per request, one fault picked by weight from a seeded random
/// source. An entry is <c>KIND[=WEIGHT]</c> (the kind's default options) or <c>KIND(opt=v,...)[=WEIGHT]</c>;
/// <c>none</c> serves the stream unfaulted. The weight defaults to 1.
/// </summary>
internal sealed record ChaosSpec(IReadOnlyList<ChaosEntry> Entries)
{
    public static ChaosSpec Parse(string text)
    {
        var entries = new List<ChaosEntry>();
        foreach (string part in FaultSpec.SplitList(text, ','))
        {
            if (part.Contains(':', StringComparison.Ordinal) && !part.Contains('(', StringComparison.Ordinal))
            {
                throw new HarnessInputException("--chaos", $"'{part}': write options in parentheses inside --chaos, e.g. split(fraction=0.5)=2");
            }

            var (fault, weightText) = FaultSpec.SplitWeight(part);
            double weight = 1;
            if (weightText is not null && (!double.TryParse(weightText, NumberStyles.Float, CultureInfo.InvariantCulture, out weight) || !double.IsFinite(weight) || weight <= 0))
            {
                throw new HarnessInputException("--chaos", $"'{part}': the weight after '=' must be a positive number");
            }

            entries.Add(new ChaosEntry(fault == "none" ? null : FaultRegistry.Parse(fault, $"--chaos: {fault}"), weight));
        }

        return entries.Count == 0 ? throw new HarnessInputException("--chaos", "no faults given (e.g. split=3,error-event=1,drop=1,stall=1)") : new ChaosSpec(entries);
    }

    /// <summary>Picks one entry by weight.</summary>
    public ChaosEntry Pick(Random random)
    {
        double total = Entries.Sum(e => e.Weight);
        double x = random.NextDouble() * total;
        foreach (var entry in Entries)
        {
            x -= entry.Weight;
            if (x < 0)
            {
                return entry;
            }
        }

        return Entries[^1];
    }

    public override string ToString() => string.Join(',', Entries.Select(e => string.Create(CultureInfo.InvariantCulture, $"{e.Name}={e.Weight}")));
}
