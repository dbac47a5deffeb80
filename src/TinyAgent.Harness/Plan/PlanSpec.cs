using System.Globalization;
using System.Text.RegularExpressions;
using TinyAgent.Harness.Model;
using TinyAgent.Harness.Plan.Faults;
using TinyAgent.Harness.Recordings;

namespace TinyAgent.Harness.Plan;

/// <summary>
/// Everything needed to plan one response again: <c>seed=N attempt=N recording=NAME faults=DESC;DESC</c>.
/// <c>serve</c> prints it at the end of every log line after <c>replay: </c>; <c>serve --replay</c> reads it back
/// (the whole log line or just the spec), and <see cref="FaultPlanner"/> gives the same plan for it.
/// </summary>
internal sealed partial record PlanSpec(int Seed, int Attempt, string Recording, IReadOnlyList<string> Faults)
{
    public const string Marker = "replay: ";

    public static PlanSpec Of(ReplayPlan plan, int attempt, string recording) => new(plan.Seed, attempt, recording, plan.FaultDescriptions);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"seed={Seed} attempt={Attempt} recording={Recording} faults={(Faults.Count == 0 ? "none" : string.Join(';', Faults))}");

    /// <summary>Parses a spec, or a whole <c>serve</c> log line holding one after <c>replay: </c>. Throws <see cref="HarnessInputException"/> naming <paramref name="where"/>.</summary>
    public static PlanSpec Parse(string text, string where)
    {
        string spec = text.Trim();
        int marker = spec.LastIndexOf(Marker, StringComparison.Ordinal);
        if (marker >= 0)
        {
            spec = spec[(marker + Marker.Length)..].Trim();
        }

        var match = SpecPattern().Match(spec);
        if (!match.Success)
        {
            throw new HarnessInputException(where, $"'{Shorten(spec)}' is not a plan spec (expected: seed=N attempt=N recording=NAME faults=DESC;DESC)");
        }

        if (!int.TryParse(match.Groups[1].Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int seed))
        {
            throw new HarnessInputException(where, $"seed '{match.Groups[1].Value}' is not a 32-bit integer");
        }

        if (!int.TryParse(match.Groups[2].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int attempt) || attempt < 1)
        {
            throw new HarnessInputException(where, $"attempt '{match.Groups[2].Value}' must be an integer of at least 1");
        }

        string faults = match.Groups[4].Value.Trim();
        return new PlanSpec(seed, attempt, match.Groups[3].Value, faults == "none" ? [] : FaultSpec.SplitList(faults, ';'));
    }

    /// <summary>The faults, created from their descriptions.</summary>
    public IReadOnlyList<IFault> CreateFaults(string where) => [.. Faults.Select((d, i) => FaultRegistry.Parse(d, $"{where}: faults[{i}]"))];

    /// <summary>Plans the response again from a recording of the spec's name.</summary>
    public ReplayPlan Plan(Recording recording, string where) => FaultPlanner.Plan(recording, CreateFaults(where), Attempt, Seed);

    private static string Shorten(string s) => s.Length <= 60 ? s : s[..57] + "...";

    [GeneratedRegex(@"^(?:--replay\s+)?['""]?seed=(\S+) attempt=(\S+) recording=(.+?) faults=(.*?)['""]?$", RegexOptions.CultureInvariant)]
    private static partial Regex SpecPattern();
}
