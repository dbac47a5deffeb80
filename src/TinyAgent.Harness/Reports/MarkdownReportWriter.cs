using TinyAgent.Harness.Model;
using System.Text;

namespace TinyAgent.Harness.Reports;

/// <summary><c>report.md</c>: the verdicts as Markdown, for a CI job summary or a pull-request comment.</summary>
internal sealed class MarkdownReportWriter : IReportWriter
{
    public string Format => "md";

    public string FileName => "report.md";

    public void Write(SuiteReport report, Stream output)
    {
        var bugs = report.Clients.SelectMany(c => c.Bugs.Keys).Distinct().ToList();
        var sb = new StringBuilder();
        sb.Append("# TinyAgent Harness: ").Append(report.Passed ? "all expectations met" : "expectations failed");
        sb.Append(report.Interrupted ? " (interrupted)" : "").Append("\n\n");
        sb.Append(FormattableString.Invariant($"{report.Runs.Count} runs, seed {report.Seed}, {report.WallMs / 1000:0.0} s")).Append(report.Shard is null ? "" : $", shard {report.Shard}").Append("\n\n");
        string? selfCheck = ConsoleSummary.SelfCheck(report, out bool selfCheckPassed);
        var rows = ConsoleSummary.Rows(report, selfCheckPassed).ToList();
        sb.Append("| client | ").Append(string.Join(" | ", bugs)).Append(" |\n");
        sb.Append("|---|").Append(string.Concat(bugs.Select(_ => "---|"))).Append('\n');
        foreach (var client in rows)
        {
            sb.Append("| ").Append(Escape(client.Name)).Append(" | ");
            sb.Append(string.Join(" | ", bugs.Select(b => client.Bugs.TryGetValue(b, out var r) ? Cell(r) : "")));
            sb.Append(" |\n");
        }

        sb.Append('\n');
        foreach (var note in ConsoleSummary.TableNotes(report, rows, selfCheck))
        {
            sb.Append("- ");
            if (note.Client is not null)
            {
                sb.Append("**").Append(Escape(note.Client)).Append("**: ").Append(note.Command is null ? "" : $"`{Escape(note.Command)}`, ");
            }

            sb.Append(Escape(note.Text)).Append('\n');
        }

        if (report.ExpectationFailures.Count > 0)
        {
            sb.Append("\n## Expectations not met\n\n");
            foreach (var failure in report.ExpectationFailures)
            {
                sb.Append("- ").Append(Escape(failure)).Append('\n');
            }
        }

        sb.Append("\n## Evidence\n\n");
        foreach (var client in report.Clients.OrderBy(c => report.Headline.Contains(c.Name) ? 0 : 1))
        {
            foreach (var (bug, r) in client.Bugs)
            {
                sb.Append(FormattableString.Invariant($"- **{Escape(client.Name)}** / {bug}: {r.Verdict.ToName()} ({r.RunsExercised} runs exercised it): {Escape(r.Evidence)}\n"));
            }
        }

        sb.Append("\n## Chunk sizes (bytes)\n\n| | count | min | p50 | p90 | max |\n|---|---|---|---|---|---|\n");
        foreach (var (name, d) in new[] { ("sent", report.ChunkSizes.Sent), ("received", report.ChunkSizes.Received) })
        {
            sb.Append(FormattableString.Invariant($"| {name} | {d.Count} | {d.Min} | {d.P50} | {d.P90} | {d.Max} |\n"));
        }

        output.Write(Encoding.UTF8.GetBytes(sb.ToString()));
    }

    private static string Cell(BugReport r)
    {
        string mark = r.Verdict switch
        {
            Verdict.Handled => "✅ handled",
            Verdict.NotHandled => "❌ not handled",
            _ => "➖ not exercised",
        };
        if (r.NotReproduced is int n)
        {
            mark += $" ({n} timing failure(s) not reproduced alone)";
        }

        return r.Expected is null ? mark : $"{mark}{(r.Met ? "" : $" (expected {r.Expected.Value.ToName()})")}";
    }

    private static string Escape(string s) => s.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
