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
        using var xml = XmlWriter.Create(output, new XmlWriterSettings { Indent = true, Encoding = new System.Text.UTF8Encoding(false) });
        xml.WriteStartDocument();
        xml.WriteStartElement("testsuites");
        xml.WriteAttributeString("name", "tinyagent-harness");
        xml.WriteAttributeString("tests", report.Runs.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        xml.WriteAttributeString("failures", report.Runs.Count(r => Failure(report, r) is not null).ToString(System.Globalization.CultureInfo.InvariantCulture));
        xml.WriteAttributeString("time", Seconds(report.WallMs));
        foreach (var group in report.Runs.GroupBy(r => r.Client))
        {
            xml.WriteStartElement("testsuite");
            xml.WriteAttributeString("name", group.Key);
            xml.WriteAttributeString("tests", group.Count().ToString(System.Globalization.CultureInfo.InvariantCulture));
            xml.WriteAttributeString("failures", group.Count(r => Failure(report, r) is not null).ToString(System.Globalization.CultureInfo.InvariantCulture));
            xml.WriteAttributeString("skipped", group.Count(r => r.Findings.Values.All(f => f.Verdict == "not-exercised")).ToString(System.Globalization.CultureInfo.InvariantCulture));
            xml.WriteAttributeString("time", Seconds(group.Sum(r => r.Timings.TotalMs ?? 0)));
            foreach (var run in group)
            {
                xml.WriteStartElement("testcase");
                xml.WriteAttributeString("classname", $"{run.Client}.{run.Scenario}");
                xml.WriteAttributeString("name", run.Recording);
                xml.WriteAttributeString("time", Seconds(run.Timings.TotalMs ?? 0));
                string? failure = Failure(report, run);
                if (failure is not null)
                {
                    xml.WriteStartElement("failure");
                    xml.WriteAttributeString("message", failure.Split('\n')[0]);
                    xml.WriteAttributeString("type", "expectation");
                    xml.WriteString(failure);
                    xml.WriteEndElement();
                }
                else if (run.Findings.Values.All(f => f.Verdict == "not-exercised"))
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
    internal static string? Failure(SuiteReport report, RunReport run)
    {
        var client = report.Clients.FirstOrDefault(c => c.Name == run.Client);
        var lines = new List<string>();
        foreach (var (bug, finding) in run.Findings)
        {
            string? expected = client?.Bugs.TryGetValue(bug, out var b) == true ? b.Expected : null;
            if (expected is null || finding.Verdict == "not-exercised")
            {
                continue;
            }

            // A run contradicts the expectation when it shows the opposite verdict: handled where the
            // client was expected to fail (specimen not caught here), or not-handled where it should pass.
            if (expected == "handled" && finding.Verdict == "not-handled")
            {
                lines.Add($"{bug}: not handled, expected handled: {finding.Evidence}");
            }
        }

        if (client is not null)
        {
            foreach (var (bug, b) in client.Bugs.Where(kv => kv.Value.Expected == "not-handled" && !kv.Value.Met))
            {
                if (run.Findings.TryGetValue(bug, out var f) && f.Verdict == "handled")
                {
                    lines.Add($"{bug}: the client was expected to show this bug, but no run caught it; here it was handled: {f.Evidence}");
                }
            }
        }

        return lines.Count == 0 ? null : string.Join("\n", lines);
    }

    private static string Evidence(RunReport run) =>
        $"outcome={run.Outcome} faults=[{string.Join(", ", run.Faults)}] consumer={run.Consumer} seed={run.Seed}\n" +
        string.Join("\n", run.Findings.Select(kv => $"{kv.Key}: {kv.Value.Verdict}: {kv.Value.Evidence}"));

    private static string Seconds(double ms) => (ms / 1000).ToString("0.000", System.Globalization.CultureInfo.InvariantCulture);
}
