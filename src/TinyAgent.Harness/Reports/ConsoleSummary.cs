using TinyAgent.Harness.Model;
using System.Globalization;

namespace TinyAgent.Harness.Reports;

/// <summary>The console view: the bug table per client, then sent and received chunk-size histograms side by side.</summary>
internal static class ConsoleSummary
{
    public static void Write(SuiteReport report, TextWriter output, bool color)
    {
        var bugs = report.Clients.SelectMany(c => c.Bugs.Keys).Distinct().ToList();
        int nameWidth = Math.Max(6, report.Clients.Select(c => c.Name.Length).DefaultIfEmpty(0).Max());
        output.WriteLine();
        output.WriteLine("client".PadRight(nameWidth) + "  " + string.Join("  ", bugs.Select(b => b.PadRight(17))));
        foreach (var client in report.Clients)
        {
            output.Write(client.Name.PadRight(nameWidth) + "  ");
            foreach (var bug in bugs)
            {
                var r = client.Bugs.GetValueOrDefault(bug);
                string text = r is null ? "" : r.Verdict.ToName() + (r.Met ? "" : "!");
                output.Write(Paint(text.PadRight(17), r, color) + "  ");
            }

            output.WriteLine();
        }

        output.WriteLine("(! = not what harness.json expects)");
        foreach (var client in report.Clients)
        {
            foreach (var (bug, r) in client.Bugs.Where(b => b.Value.NotReproduced is > 0))
            {
                output.WriteLine($"note: {client.Name} / {bug}: {r.NotReproduced} timing failure(s) did not happen again alone (1 of 2 attempts); judged by the run alone");
            }
        }

        output.WriteLine();
        WriteHistograms(report.ChunkSizes, output);
    }

    public static void WriteHistograms(ChunkSizes sizes, TextWriter output)
    {
        var left = Histogram("sent", sizes.Sent);
        var right = Histogram("received", sizes.Received);
        int width = Math.Max(40, left.Select(l => l.Length).DefaultIfEmpty(0).Max());
        for (int i = 0; i < Math.Max(left.Count, right.Count); i++)
        {
            output.WriteLine((i < left.Count ? left[i] : "").PadRight(width) + "   " + (i < right.Count ? right[i] : ""));
        }
    }

    /// <summary>Lines of a terminal histogram: one bar per power-of-two bin, scaled to 24 columns.</summary>
    public static List<string> Histogram(string title, SizeDistribution d)
    {
        var lines = new List<string>
        {
            string.Create(CultureInfo.InvariantCulture, $"{title} chunks: {d.Count}  min {d.Min}  p50 {d.P50}  p90 {d.P90}  max {d.Max}"),
        };
        int max = d.Histogram.Select(b => b.Count).DefaultIfEmpty(0).Max();
        foreach (var bin in d.Histogram)
        {
            int bar = max == 0 ? 0 : (int)Math.Ceiling(24.0 * bin.Count / max);
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{bin.From,6}-{bin.To - 1,-6} {new string('#', bar),-24} {bin.Count}"));
        }

        return lines;
    }

    private static string Paint(string text, BugReport? r, bool color)
    {
        if (!color || r is null)
        {
            return text;
        }

        string code = !r.Met ? "31;1" : r.Verdict switch { Verdict.Handled => "32", Verdict.NotHandled => "33", _ => "90" };
        return $"\u001b[{code}m{text}\u001b[0m";
    }
}
