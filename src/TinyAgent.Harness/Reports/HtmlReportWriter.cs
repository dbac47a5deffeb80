using TinyAgent.Harness.Model;
using System.Globalization;
using System.Net;
using System.Text;

namespace TinyAgent.Harness.Reports;

/// <summary>
/// <c>report.html</c>: one self-contained page (no scripts, fonts or images from the network): the verdict
/// table, the chunk-size histograms and arrival timelines as inline SVG, and per-run evidence that expands.
/// Each histogram bar carries data-from/data-to/data-count so a test can check it against the report.
/// </summary>
internal sealed class HtmlReportWriter : IReportWriter
{
    private const string Css = """
        body{font:14px/1.45 system-ui,sans-serif;margin:24px;color:#1d2430;background:#fbfcfe}
        h1{font-size:22px;margin:0 0 4px} h2{font-size:17px;margin:28px 0 8px}
        .sub{color:#5b6678} table{border-collapse:collapse;background:#fff}
        th,td{border:1px solid #d8dee8;padding:6px 10px;text-align:left;vertical-align:top}
        th{background:#eef2f8} .handled{background:#e3f6e8} .not-handled{background:#fde4e1} .not-exercised{color:#7a8496}
        .miss{outline:2px solid #c62828;outline-offset:-2px} .pass{color:#1b7f3b} .fail{color:#c62828}
        .charts{display:flex;gap:24px;flex-wrap:wrap} figure{margin:0;background:#fff;border:1px solid #d8dee8;padding:8px}
        figcaption{font-weight:600;margin-bottom:4px} details{background:#fff;border:1px solid #d8dee8;margin:4px 0;padding:4px 8px}
        summary{cursor:pointer} code,pre{font:12px ui-monospace,monospace} pre{white-space:pre-wrap;margin:4px 0}
        """;

    public string Format => "html";

    public string FileName => "report.html";

    public void Write(SuiteReport report, Stream output)
    {
        var bugs = report.Clients.SelectMany(c => c.Bugs.Keys).Distinct().ToList();
        var h = new StringBuilder();
        h.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>TinyAgent Harness report</title><style>")
            .Append(Css).Append("</style></head><body>");
        h.Append("<h1>TinyAgent Harness</h1><p class=\"sub\">")
            .Append(report.Passed ? "<b class=\"pass\">All expectations met</b>" : "<b class=\"fail\">Expectations failed</b>")
            .Append(report.Interrupted ? " (interrupted)" : "")
            .Append(Inv($" &middot; {report.Runs.Count} runs &middot; seed {report.Seed} &middot; {report.WallMs / 1000:0.0} s"))
            .Append(report.Shard is null ? "" : $" &middot; shard {E(report.Shard)}").Append("</p>");

        h.Append("<h2>Verdicts</h2><table><tr><th>client</th>");
        foreach (var bug in bugs)
        {
            h.Append("<th>").Append(E(bug)).Append("</th>");
        }

        h.Append("</tr>");
        string? selfCheck = ConsoleSummary.SelfCheck(report, out bool selfCheckPassed);
        var rows = ConsoleSummary.Rows(report, selfCheckPassed).ToList();
        foreach (var client in rows)
        {
            h.Append("<tr><th>").Append(E(client.Name)).Append(client.Read is null ? "" : $"<br><small>read: {E(client.Read)}</small>").Append("</th>");
            foreach (var bug in bugs)
            {
                if (!client.Bugs.TryGetValue(bug, out var r))
                {
                    h.Append("<td></td>");
                    continue;
                }

                h.Append("<td class=\"").Append(r.Verdict.ToName()).Append(r.Met ? "" : " miss").Append("\" title=\"").Append(E(r.Evidence)).Append("\">")
                    .Append(E(r.Verdict.ToName())).Append(r.Expected is { } expected && !r.Met ? $"<br><small>expected {E(expected.ToName())}</small>" : "")
                    .Append(Inv($"<br><small>{r.RunsExercised} runs</small>")).Append("</td>");
            }

            h.Append("</tr>");
        }

        h.Append("</table><ul>");
        foreach (var note in ConsoleSummary.TableNotes(report, rows, selfCheck))
        {
            h.Append(note.IsSelfCheck ? "<li class=\"self-check\">" : "<li>");
            if (note.Client is not null)
            {
                h.Append("<b>").Append(E(note.Client)).Append("</b>: ").Append(note.Command is null ? "" : $"<code>{E(note.Command)}</code>, ");
            }

            h.Append(E(note.Text)).Append("</li>");
        }

        h.Append("</ul>");
        if (report.ExpectationFailures.Count > 0)
        {
            h.Append("<ul class=\"fail\">");
            foreach (var f in report.ExpectationFailures)
            {
                h.Append("<li>").Append(E(f)).Append("</li>");
            }

            h.Append("</ul>");
        }

        h.Append("<h2>Chunk sizes</h2><div class=\"charts\">");
        HistogramSvg(h, "sent", report.ChunkSizes.Sent, "#3f6ad8");
        HistogramSvg(h, "received", report.ChunkSizes.Received, "#d8743f");
        h.Append("</div>");

        var timelines = report.Runs.Where(r => r.Chunks.ReceivedAtMs is { Count: > 1 }).GroupBy(r => r.Scenario).Select(g => g.First()).Take(8).ToList();
        if (timelines.Count > 0)
        {
            h.Append("<h2>Arrival timelines (bytes received against time)</h2><div class=\"charts\">");
            foreach (var run in timelines)
            {
                TimelineSvg(h, run);
            }

            h.Append("</div>");
        }

        h.Append("<h2>Runs</h2>");
        foreach (var run in report.Runs)
        {
            bool bad = JUnitReportWriter.Failure(report, run) is not null;
            h.Append("<details><summary>").Append(bad ? "<b class=\"fail\">✗</b> " : "")
                .Append(E($"{run.Client} · {run.Scenario} · {run.Recording} → {run.Outcome.ToName()}")).Append("</summary><pre>")
                .Append(E($"faults: {string.Join(", ", run.Faults)}\nconsumer: {run.Consumer}  seed: {run.Seed}  requests: {run.Requests}\n"))
                .Append(E(Inv($"first byte {run.Timings.FirstByteMs:0.0} ms, first text {run.Timings.FirstTextMs:0.0} ms, total {run.Timings.TotalMs:0.0} ms\n")))
                .Append(E($"stop_reason: {run.StopReason ?? "(none)"}  error: {run.Error ?? "(none)"}\n"));
            foreach (var (bug, f) in run.Findings)
            {
                h.Append(E($"{bug}: {f.Verdict.ToName()}: {f.Evidence}\n"));
            }

            if (!string.IsNullOrEmpty(run.Stderr))
            {
                h.Append(E($"stderr: {run.Stderr}\n"));
            }

            h.Append("</pre></details>");
        }

        h.Append("</body></html>\n");
        output.Write(Encoding.UTF8.GetBytes(h.ToString()));
    }

    private static void HistogramSvg(StringBuilder h, string title, SizeDistribution d, string color)
    {
        const int W = 420, H = 200, Left = 40, Bottom = 36;
        int bins = Math.Max(1, d.Histogram.Count);
        int max = d.Histogram.Select(b => b.Count).DefaultIfEmpty(0).Max();
        double bw = (W - Left - 10) / (double)bins;
        h.Append("<figure><figcaption>").Append(E(title)).Append(Inv($" ({d.Count} chunks, min {d.Min}, p50 {d.P50}, p90 {d.P90}, max {d.Max} bytes)")).Append("</figcaption>")
            .Append(Inv($"<svg class=\"histogram\" data-series=\"{title}\" width=\"{W}\" height=\"{H}\" viewBox=\"0 0 {W} {H}\" role=\"img\">"))
            .Append(Inv($"<line x1=\"{Left}\" y1=\"{H - Bottom}\" x2=\"{W - 5}\" y2=\"{H - Bottom}\" stroke=\"#888\"/>"));
        for (int i = 0; i < d.Histogram.Count; i++)
        {
            var bin = d.Histogram[i];
            double bh = max == 0 ? 0 : (H - Bottom - 16) * bin.Count / (double)max;
            double x = Left + (i * bw);
            h.Append(Inv($"<rect class=\"bar\" data-from=\"{bin.From}\" data-to=\"{bin.To}\" data-count=\"{bin.Count}\" x=\"{x + 1:0.#}\" y=\"{H - Bottom - bh:0.#}\" width=\"{Math.Max(1, bw - 2):0.#}\" height=\"{bh:0.#}\" fill=\"{color}\"><title>{bin.From}-{bin.To - 1} bytes: {bin.Count}</title></rect>"));
            h.Append(Inv($"<text x=\"{x + (bw / 2):0.#}\" y=\"{H - Bottom + 14}\" font-size=\"9\" text-anchor=\"middle\">{bin.From}</text>"));
        }

        h.Append(Inv($"<text x=\"{Left}\" y=\"{H - 6}\" font-size=\"10\">chunk size (bytes, log2 bins)</text><text x=\"2\" y=\"12\" font-size=\"10\">{max}</text></svg></figure>"));
    }

    private static void TimelineSvg(StringBuilder h, RunReport run)
    {
        const int W = 320, H = 160, Pad = 30;
        var at = run.Chunks.ReceivedAtMs!;
        var sizes = run.Chunks.Received;
        // Time runs from the first byte: connection set-up would otherwise squeeze the stream to the right edge.
        double t0 = at[0];
        double tMax = Math.Max(1, at[^1] - t0);
        long total = sizes.Sum(s => (long)s);
        var points = new StringBuilder();
        long cum = 0;
        for (int i = 0; i < Math.Min(at.Count, sizes.Count); i++)
        {
            cum += sizes[i];
            points.Append(Inv($"{Pad + ((W - Pad - 6) * (at[i] - t0) / tMax):0.#},{H - Pad - ((H - Pad - 8) * cum / (double)Math.Max(1, total)):0.#} "));
        }

        h.Append("<figure><figcaption>").Append(E($"{run.Scenario} · {run.Recording}")).Append(Inv($" <small>({sizes.Count} reads, first byte at {t0:0} ms)</small>")).Append("</figcaption>")
            .Append(Inv($"<svg class=\"timeline\" width=\"{W}\" height=\"{H}\" viewBox=\"0 0 {W} {H}\" role=\"img\">"))
            .Append(Inv($"<line x1=\"{Pad}\" y1=\"{H - Pad}\" x2=\"{W - 4}\" y2=\"{H - Pad}\" stroke=\"#888\"/><line x1=\"{Pad}\" y1=\"4\" x2=\"{Pad}\" y2=\"{H - Pad}\" stroke=\"#888\"/>"))
            .Append("<polyline fill=\"none\" stroke=\"#3f6ad8\" stroke-width=\"1.5\" points=\"").Append(points).Append("\"/>")
            .Append(Inv($"<text x=\"{Pad}\" y=\"{H - 10}\" font-size=\"10\">first byte</text><text x=\"{W - 60}\" y=\"{H - 10}\" font-size=\"10\">{tMax:0} ms</text><text x=\"2\" y=\"12\" font-size=\"10\">{total} B</text></svg></figure>"));
    }

    private static string E(string s) => WebUtility.HtmlEncode(s);

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
