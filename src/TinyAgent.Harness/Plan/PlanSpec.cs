using System.Globalization;
using System.Text;
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
        return new PlanSpec(seed, attempt, match.Groups[3].Value, faults == "none" ? [] : SplitTopLevel(faults, ';'));
    }

    /// <summary>The faults, created from their descriptions.</summary>
    public IReadOnlyList<IFault> CreateFaults(string where) => [.. Faults.Select((d, i) => FaultRegistry.Parse(d, $"{where}: faults[{i}]"))];

    /// <summary>Plans the response again from a recording of the spec's name.</summary>
    public ReplayPlan Plan(Recording recording, string where) => FaultPlanner.Plan(recording, CreateFaults(where), Attempt, Seed);

    /// <summary>Splits on <paramref name="separator"/> outside parentheses and JSON-quoted strings (descriptions quote values holding special characters).</summary>
    internal static List<string> SplitTopLevel(string text, char separator)
    {
        var parts = new List<string>();
        var current = new StringBuilder();
        int depth = 0;
        bool quoted = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quoted)
            {
                current.Append(c);
                if (c == '\\' && i + 1 < text.Length)
                {
                    current.Append(text[++i]);
                }
                else if (c == '"')
                {
                    quoted = false;
                }

                continue;
            }

            if (c == separator && depth == 0)
            {
                parts.Add(current.ToString().Trim());
                current.Clear();
                continue;
            }

            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            quoted = c == '"';
            current.Append(c);
        }

        parts.Add(current.ToString().Trim());
        return [.. parts.Where(p => p.Length > 0)];
    }

    private static string Shorten(string s) => s.Length <= 60 ? s : s[..57] + "...";

    [GeneratedRegex(@"^(?:--replay\s+)?['""]?seed=(\S+) attempt=(\S+) recording=(.+?) faults=(.*?)['""]?$", RegexOptions.CultureInvariant)]
    private static partial Regex SpecPattern();
}
