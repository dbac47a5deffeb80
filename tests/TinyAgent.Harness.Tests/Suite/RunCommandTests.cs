using TinyAgent.Harness.Reports;
using TinyAgent.Harness.Tests.Recordings;

namespace TinyAgent.Harness.Tests.Suite;

/// <summary>The <c>run</c>, <c>validate</c> and <c>merge</c> commands as a CI job uses them: exit codes, shards, config errors.</summary>
internal sealed class RunCommandTests
{
    private const string Small = """
        {
          "seed": 3,
          "recordings": ["text-short.sse", "tool-use.sse"],
          "timeouts": { "idleMs": 400, "deadlineMs": 4000 },
          "scenarios": [
            { "name": "split", "faults": [{ "kind": "split" }] },
            { "name": "error-event", "faults": [{ "kind": "error-event", "afterEvents": 3 }] }
          ],
          "clients": [ { "name": "tinyagent" }, { "name": "naive-split" } ],
          "expectations": EXPECT,
          "reports": { "out": "out" }
        }
        """;

    [Test]
    public async Task A_specimen_that_is_expected_to_pass_fails_the_suite_with_exit_code_1()
    {
        using var suite = new SuiteFixture(Small.Replace("EXPECT", """{ "naive-split": { "split-packet": "handled" } }""", StringComparison.Ordinal));
        var (exit, output, _) = await suite.RunCliAsync("run", "--config", suite.ConfigPath);
        Assert.That(exit, Is.EqualTo(1));
        Assert.That(output, Does.Contain("FAILED naive-split / split-packet: expected handled, got not-handled"));
        var junit = System.Xml.Linq.XDocument.Load(suite.Folder.File("out/report.xml"));
        Assert.That(junit.Descendants("failure").Count(), Is.GreaterThan(0));
    }

    [Test]
    public async Task Shards_merged_give_the_same_verdicts_as_one_run()
    {
        using var suite = new SuiteFixture(Small.Replace("EXPECT", """{ "naive-split": { "split-packet": "not-handled" }, "tinyagent": { "split-packet": "handled", "silent-truncation": "handled" } }""", StringComparison.Ordinal));
        var whole = await suite.RunCliAsync("run", "--config", suite.ConfigPath, "--out", "whole");
        var s1 = await suite.RunCliAsync("run", "--config", suite.ConfigPath, "--shard", "1/2", "--out", "s1");
        var s2 = await suite.RunCliAsync("run", "--config", suite.ConfigPath, "--shard", "2/2", "--out", "s2");
        var merged = await suite.RunCliAsync("merge", "s1", "s2/report.json", "--out", "merged", "--config", suite.ConfigPath);
        Assert.That((whole.Exit, s1.Exit, merged.Exit), Is.EqualTo((0, 0, 0)), merged.Out + merged.Err);

        var a = JsonReportWriter.Read(suite.Folder.File("whole/report.json"));
        var m = JsonReportWriter.Read(suite.Folder.File("merged/report.json"));
        var one = JsonReportWriter.Read(suite.Folder.File("s1/report.json"));
        Assert.That(one.Runs, Has.Count.LessThan(a.Runs.Count));
        Assert.That(m.Runs.Select(r => r.Id).Order(), Is.EqualTo(a.Runs.Select(r => r.Id).Order()));
        Assert.That(m.Clients.Select(c => c.Bugs.Select(b => (c.Name, b.Key, b.Value.Verdict)).ToList()), Is.EqualTo(a.Clients.Select(c => c.Bugs.Select(b => (c.Name, b.Key, b.Value.Verdict)).ToList())));
    }

    [Test]
    public async Task Run_accepts_any_sse_file_without_a_sidecar_outside_the_config_folder()
    {
        using var suite = new SuiteFixture(Small.Replace("EXPECT", "{}", StringComparison.Ordinal));
        using var elsewhere = new TempFolder();
        string plain = elsewhere.File("mine.sse");
        File.Copy(suite.Folder.File("text-short.sse"), plain);
        var (exit, output, err) = await suite.RunCliAsync("run", "--config", suite.ConfigPath, "--recording", plain, "--client", "tinyagent", "--out", "adhoc");
        Assert.That(exit, Is.Zero, output + err);
        var report = JsonReportWriter.Read(suite.Folder.File("adhoc/report.json"));
        Assert.That(report.Runs.Select(r => r.Recording).Distinct(), Is.EqualTo(new[] { "mine" }));
        Assert.That(report.Runs.Select(r => r.Client).Distinct(), Is.EqualTo(new[] { "tinyagent" }));
    }

    [Test]
    public async Task Validate_checks_the_config_and_recordings_without_running()
    {
        using var suite = new SuiteFixture(Small.Replace("EXPECT", "{}", StringComparison.Ordinal));
        var (exit, output, err) = await suite.RunCliAsync("validate", "--config", suite.ConfigPath);
        Assert.That(exit, Is.Zero, err);
        Assert.That(output, Does.Contain("ok  text-short:").And.Contain("harness.json: valid: 2 scenarios, 2 clients, 2 recordings"));
        Assert.That(Directory.Exists(suite.Folder.File("out")), Is.False);
    }

    [TestCase("""{ "recordings": ["*.sse"], "scenarios": [{ "name": "a", "faults": [{ "kind": "wobble" }] }], "clients": [{ "name": "tinyagent" }] }""", "harness.json: scenarios[0].faults[0].kind: unknown fault kind 'wobble'")]
    [TestCase("""{ "recordings": ["*.sse"], "scenarios": [{ "name": "a", "faults": [{ "kind": "fixed", "size": 0 }] }], "clients": [{ "name": "tinyagent" }] }""", "harness.json: scenarios[0].faults[0].size: must be at least 1")]
    [TestCase("{ \"recordings\": [\"*.sse\"],\n  \"scenarios\": [ }", "harness.json:2:18: invalid JSON")]
    [TestCase("""{ "recordings": ["*.sse"], "scenarios": [{ "name": "a" }], "clients": [{ "name": "tinyagent" }], "colour": 1 }""", "harness.json: colour: unknown property")]
    public async Task Config_errors_are_one_line_with_exit_code_2(string config, string messageStart)
    {
        using var suite = new SuiteFixture(config);
        var (exit, output, err) = await suite.RunCliAsync("run", "--config", suite.ConfigPath);
        Assert.That(exit, Is.EqualTo(2));
        Assert.That(err, Does.StartWith("tinyagent-harness: " + messageStart));
        Assert.That(err.TrimEnd().Split('\n'), Has.Length.EqualTo(1), err);
        Assert.That(output, Is.Empty);
    }

    [Test]
    public async Task A_missing_config_file_is_named()
    {
        using var suite = new SuiteFixture("{}");
        var (exit, _, err) = await suite.RunCliAsync("run", "--config", "nope.json");
        Assert.That(exit, Is.EqualTo(2));
        Assert.That(err, Does.Contain("nope.json: file not found"));
    }
}
