using TinyAgent.Harness.Model;
using System.Globalization;

namespace TinyAgent.Harness.Reports;

/// <summary>One line under a verdict table: about a client (its name and command, when it has them), or the self-check, or a note.</summary>
internal sealed record TableNote(string Text, string? Client = null, string? Command = null, bool IsSelfCheck = false);

/// <summary>The console view: the bug table per client, then sent and received chunk-size histograms side by side.</summary>
internal static class ConsoleSummary
{
    public static void Write(SuiteReport report, TextWriter output, bool color)
    {
        var bugs = report.Clients.SelectMany(c => c.Bugs.Keys).Distinct().ToList();
        int nameWidth = Math.Max(6, report.Clients.Select(c => c.Name.Length).DefaultIfEmpty(0).Max());
        string? selfCheck = SelfCheck(report, out bool selfCheckPassed);
        output.WriteLine();
        output.WriteLine("client".PadRight(nameWidth) + "  " + string.Join("  ", bugs.Select(b => b.PadRight(17))));
        foreach (var client in Rows(report, selfCheckPassed))
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

        output.WriteLine($"(! = not what {report.Config ?? "the config"} expects)");
        foreach (var note in TableNotes(report, report.Clients.Where(c => report.Headline.Count == 0 || report.Headline.Contains(c.Name)), selfCheck))
        {
            output.WriteLine(note.Client is null ? note.Text : $"{note.Client}: {(note.Command is null ? "" : $"`{note.Command}`, ")}{note.Text}");
        }

        foreach (var client in Rows(report, selfCheckPassed))
        {
            foreach (var (bug, r) in client.Bugs.Where(b => b.Value.NotReproduced is > 0))
            {
                output.WriteLine($"note: {client.Name} / {bug}: {r.NotReproduced} timing failure(s) did not happen again alone (1 of 2 attempts); judged by the run alone");
            }
        }

        output.WriteLine();
        WriteHistograms(report.ChunkSizes, output);
    }

    /// <summary>The rows a report shows: the headline clients when there are some (the built-ins too when their self-check failed), else all.</summary>
    public static IEnumerable<ClientReport> Rows(SuiteReport report, bool selfCheckPassed) =>
        report.Headline.Count == 0 || !selfCheckPassed
            ? report.Clients.OrderBy(c => report.Headline.Contains(c.Name) ? 0 : 1) // stable: the user's client first
            : report.Clients.Where(c => report.Headline.Contains(c.Name));

    /// <summary>
    /// The lines every view puts under its verdict table, in order: how each of <paramref name="clients"/> with a
    /// <see cref="ClientReport.Read"/> was read (with its command), the self-check, the report's notes.
    /// </summary>
    public static IEnumerable<TableNote> TableNotes(SuiteReport report, IEnumerable<ClientReport> clients, string? selfCheck)
    {
        foreach (var client in clients.Where(c => c.Read is not null))
        {
            yield return new TableNote(ReadNote(client.Read!), client.Name, client.Command);
        }

        if (selfCheck is not null)
        {
            yield return new TableNote(selfCheck, IsSelfCheck: true);
        }

        foreach (string note in report.Notes)
        {
            yield return new TableNote($"note: {note}");
        }
    }

    /// <summary>How a client's answers were read, in words.</summary>
    public static string ReadNote(string read) => read switch
    {
        "stdout" => "read from stdout and the exit code (no result file; no stop_reason)",
        "result-file" => "read from its result file",
        _ => $"read from {read}",
    };

    /// <summary>
    /// When the user's client is the headline, the built-in clients prove in one sentence that every verdict can fail:
    /// each specimen caught for its bug and tinyagent handling all. Null without a headline.
    /// </summary>
    public static string? SelfCheck(SuiteReport report, out bool passed)
    {
        passed = true;
        // A built-in that ran nothing here (another format's client on a narrowed run) proves nothing either way.
        var builtIns = report.Clients.Where(c => !report.Headline.Contains(c.Name) && c.Bugs.Values.Any(b => b.RunsExercised > 0)).ToList();
        if (report.Headline.Count == 0 || builtIns.Count == 0)
        {
            return null;
        }

        var expected = builtIns.Where(c => c.Bugs.Values.Any(b => b.Expected is not null)).ToList();
        if (expected.Count == 0)
        {
            return $"self-check: {builtIns.Count} built-in client(s) ran, but {report.Config ?? "the config"} expects nothing of them, so they prove nothing";
        }

        var failed = expected.Where(c => c.Bugs.Values.Any(b => !b.Met)).ToList();
        passed = failed.Count == 0;
        return passed
            ? $"self-check: the built-in specimens are caught and tinyagent passes, so every verdict can fail ({expected.Count} of {expected.Count})"
            : $"self-check FAILED: {string.Join(", ", failed.Select(c => c.Name))} not as {report.Config ?? "the config"} expects ({expected.Count - failed.Count} of {expected.Count}), so a verdict above may be wrong";
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
