using TinyAgent.Harness.Model;
using System.Xml;

namespace TinyAgent.Harness.Reports;

/// <summary>
/// <c>report.xml</c> in JUnit XML: one suite per client, one test case per client x scenario x recording.
/// A case fails when a judge found the bug not handled and the config expected the client to handle it,
/// or when a specimen's bug was expected to be caught and the run showed it handled; failures carry the evidence.
/// </summary>
internal sealed class JUnitReportWriter : IReportWriter
{
    public string Format => "junit";

    public string FileName => "report.xml";

    public void Write(SuiteReport report, Stream output)
    {
        // Each run's failure is worked out once: the totals, the per-client counts and the test case all need it.
        var clients = new Dictionary<string, ClientReport>(StringComparer.Ordinal);
        foreach (var client in report.Clients)
        {
            clients.TryAdd(client.Name, client);
        }

        var runs = report.Runs.Select(r => (Run: r, Failure: Failure(clients.GetValueOrDefault(r.Client), r))).ToList();
        using var xml = XmlWriter.Create(output, new XmlWriterSettings { Indent = true, Encoding = new System.Text.UTF8Encoding(false) });
        xml.WriteStartDocument();
        xml.WriteStartElement("testsuites");
        xml.WriteAttributeString("name", "tinyagent-harness");
        xml.WriteAttributeString("tests", report.Runs.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        xml.WriteAttributeString("failures", runs.Count(r => r.Failure is not null).ToString(System.Globalization.CultureInfo.InvariantCulture));
        xml.WriteAttributeString("time", Seconds(report.WallMs));
        foreach (var group in runs.GroupBy(r => r.Run.Client))
        {
            xml.WriteStartElement("testsuite");
            xml.WriteAttributeString("name", group.Key);
            xml.WriteAttributeString("tests", group.Count().ToString(System.Globalization.CultureInfo.InvariantCulture));
            xml.WriteAttributeString("failures", group.Count(r => r.Failure is not null).ToString(System.Globalization.CultureInfo.InvariantCulture));
            xml.WriteAttributeString("skipped", group.Count(r => r.Run.Findings.Values.All(f => f.Verdict == Verdict.NotExercised)).ToString(System.Globalization.CultureInfo.InvariantCulture));
            xml.WriteAttributeString("time", Seconds(group.Sum(r => r.Run.Timings.TotalMs ?? 0)));
            foreach (var (run, failure) in group)
            {
                xml.WriteStartElement("testcase");
                xml.WriteAttributeString("classname", $"{run.Client}.{run.Scenario}");
                xml.WriteAttributeString("name", run.Recording);
                xml.WriteAttributeString("time", Seconds(run.Timings.TotalMs ?? 0));
                if (failure is not null)
                {
                    xml.WriteStartElement("failure");
                    xml.WriteAttributeString("message", failure.Split('\n')[0]);
                    xml.WriteAttributeString("type", "expectation");
                    xml.WriteString(failure);
                    xml.WriteEndElement();
                }
                else if (run.Findings.Values.All(f => f.Verdict == Verdict.NotExercised))
                {
                    xml.WriteStartElement("skipped");
                    xml.WriteAttributeString("message", "no bug exercised by this run");
                    xml.WriteEndElement();
                }

                xml.WriteElementString("system-out", Evidence(run));
                xml.WriteEndElement();
            }

            xml.WriteEndElement();
        }

        xml.WriteEndElement();
        xml.WriteEndDocument();
    }

    /// <summary>The failure text of a run, or null when the run meets every expectation of its client.</summary>
    internal static string? Failure(SuiteReport report, RunReport run) => Failure(report.Clients.FirstOrDefault(c => c.Name == run.Client), run);

    private static string? Failure(ClientReport? client, RunReport run)
    {
        var lines = new List<string>();
        foreach (var (bug, finding) in run.Findings)
        {
            Verdict? expected = client?.Bugs.TryGetValue(bug, out var b) == true ? b.Expected : null;
            if (expected is null || finding.Verdict == Verdict.NotExercised)
            {
                continue;
            }

            // A run contradicts the expectation when it shows the opposite verdict: handled where the
            // client was expected to fail (specimen not caught here), or not-handled where it should pass.
            if (expected == Verdict.Handled && finding.Verdict == Verdict.NotHandled)
            {
                lines.Add($"{bug}: {finding.Verdict.ToName()}, expected handled: {finding.Evidence}");
            }
        }

        if (client is not null)
        {
            foreach (var (bug, b) in client.Bugs.Where(kv => kv.Value.Expected == Verdict.NotHandled && !kv.Value.Met))
            {
                if (run.Findings.TryGetValue(bug, out var f) && f.Verdict == Verdict.Handled)
                {
                    lines.Add($"{bug}: the client was expected to show this bug, but no run caught it; here it was handled: {f.Evidence}");
                }
            }
        }

        return lines.Count == 0 ? null : string.Join("\n", lines);
    }

    private static string Evidence(RunReport run) =>
        $"outcome={run.Outcome.ToName()} faults=[{string.Join(", ", run.Faults)}] consumer={run.Consumer} seed={run.Seed}\n" +
        string.Join("\n", run.Findings.Select(kv => $"{kv.Key}: {kv.Value.Verdict.ToName()}: {kv.Value.Evidence}"));

    private static string Seconds(double ms) => (ms / 1000).ToString("0.000", System.Globalization.CultureInfo.InvariantCulture);
}
