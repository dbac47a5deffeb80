using TinyAgent.Harness.Config;
using TinyAgent.Harness.Observation;
using TinyAgent.Harness.Recordings;
using TinyAgent.Harness.Tests.Recordings;

namespace TinyAgent.Harness.Tests.Anywhere;

/// <summary>
/// The default suite runs exec clients (a process per run) on a sample of its recordings (<c>execRecordings</c>), so
/// one client is judged in seconds, not minutes: every scenario that can reach an exec client still runs, every fault
/// run keeps its control, in-process clients still run everything, and <c>--recording</c> turns sampling off.
/// </summary>
internal sealed class ExecSampleTests
{
    private static readonly string[] Skipped = ["bytewise", "fixed-7", "random-slices", "recorded-timing", "bandwidth"];

    private static (HarnessConfig Config, IReadOnlyList<Recording> Recordings) DefaultSuite()
    {
        using var folder = new TempFolder();
        var config = EmbeddedSuite.LoadConfig(folder.Path);
        return (config, [.. config.Recordings.SelectMany(EmbeddedSuite.LoadGlob)]);
    }

    private static ClientConfig Exec(string name, string format) => new(name, "true", null, format);

    [Test]
    public void An_exec_client_runs_each_scenario_once_on_the_sample_with_the_controls_its_fault_runs_need()
    {
        var (config, recordings) = DefaultSuite();
        ExecSample.Of(config)!.Validate(recordings);
        var matrix = RunSpec.Matrix(config, recordings, [new ClientConfig("tinyagent", null, null), Exec("exec", "anthropic")], config.Seed);
        var exec = matrix.Where(r => r.Client.Name == "exec").ToList();

        Assert.That(exec, Has.Count.EqualTo(26));
        Assert.That(exec.Select(r => r.Recording.Name).Distinct(), Is.EquivalentTo(new[] { "text-short", "tool-use", "crlf-keepalive", "text-long-cjk" }));
        Assert.That(exec.Where(r => r.IsControl).Select(r => r.Recording.Name), Is.EquivalentTo(new[] { "text-short", "tool-use", "crlf-keepalive", "text-long-cjk" }));
        var faultScenarios = exec.Where(r => !r.IsControl).Select(r => r.Scenario.Name).ToList();
        Assert.That(faultScenarios, Is.Unique, "one run per scenario");
        Assert.That(faultScenarios, Is.EquivalentTo(config.Scenarios.Select(s => s.Name).Where(n => n != ScenarioConfig.ControlName).Except(Skipped)));
        Assert.That(exec.Single(r => r.Scenario.Name == "give-up").Recording.Name, Is.EqualTo("tool-use"), "a reply long enough to outlast the ghost bound");
        Assert.That(exec.Single(r => r.Scenario.Name == "tool-cut").Recording.Name, Is.EqualTo("tool-use"));
        foreach (var run in exec.Where(r => !r.IsControl))
        {
            Assert.That(exec.Any(c => c.IsControl && c.Recording == run.Recording), run.Id + " has its control");
        }

        int unsampled = RunSpec.Matrix(ExecSample.Off(config),
            recordings, [Exec("exec", "anthropic")], config.Seed).Count;
        Assert.That(matrix.Count(r => r.Client.Name == "tinyagent"), Is.EqualTo(unsampled), "in-process clients run every recording");
        Assert.That(unsampled, Is.EqualTo(340));
    }

    [TestCase("openai-chat")]
    [TestCase("openai-responses")]
    public void An_exec_client_in_an_OpenAI_format_faces_every_scenario_its_format_has_recordings_for(string format)
    {
        var (config, recordings) = DefaultSuite();
        var exec = RunSpec.Matrix(config, recordings, [Exec("exec", format)], config.Seed);
        var full = RunSpec.Matrix(ExecSample.Off(config),
            recordings, [Exec("exec", format)], config.Seed);

        Assert.That(exec.Select(r => r.Scenario.Name).Distinct(), Is.EquivalentTo(full.Select(r => r.Scenario.Name).Distinct().Except(Skipped)));
        Assert.That(exec.Where(r => !r.IsControl).All(run => exec.Any(c => c.IsControl && c.Recording == run.Recording)));
        Assert.That(exec, Has.Count.LessThan(full.Count));
    }

    [Test]
    public void Beside_a_users_exec_client_the_built_ins_run_the_same_sample()
    {
        var (config, recordings) = DefaultSuite();
        var matrix = RunSpec.Matrix(config, recordings, [new ClientConfig("tinyagent", null, null), Exec("exec", "anthropic")], config.Seed, sampleEveryClient: true);

        static IEnumerable<string> Cells(IEnumerable<RunSpec> runs) => runs.Select(r => $"{r.Scenario.Name}/{r.Recording.Name}");
        Assert.That(Cells(matrix.Where(r => r.Client.Name == "tinyagent")), Is.EquivalentTo(Cells(matrix.Where(r => r.Client.Name == "exec"))));
    }

    [Test]
    public async Task A_run_says_it_sampled_and_recording_turns_sampling_off()
    {
        AnywhereKit.RequirePython();
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("app.py"), """
            import json, os, urllib.request
            request = urllib.request.Request(
                os.environ["ANTHROPIC_BASE_URL"] + "/v1/messages",
                data=b'{"model": "m", "max_tokens": 64, "stream": true, "messages": [{"role": "user", "content": "hi"}]}',
                headers={"content-type": "application/json", "x-api-key": os.environ["ANTHROPIC_API_KEY"], "anthropic-version": "2023-06-01"})
            for raw in urllib.request.urlopen(request, timeout=30):
                line = raw.decode("utf-8").rstrip("\r\n")
                if line.startswith("data:"):
                    event = json.loads(line[5:])
                    if event["type"] == "content_block_delta" and event["delta"]["type"] == "text_delta":
                        print(event["delta"]["text"], end="", flush=True)
            """);

        var (exit, output, err) = await AnywhereKit.RunAsync(folder.Path, "run", "--client-exec", "python3 app.py", "-s", "error-event", "-s", "give-up");

        Assert.That(exit, Is.EqualTo(0), output + err);
        string note = "exec clients ran the embedded suite's sample of recordings (execRecordings): 4 runs each instead of 69, on 2 of the 23 anthropic recordings";
        Assert.That(output, Does.Contain("note: " + note));
        var report = AnywhereKit.Report(folder.File("reports/report.json"));
        Assert.That(report["notes"]!.AsArray().Select(n => n!.GetValue<string>()), Has.Some.StartsWith(note));
        var runs = report["runs"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()).ToList();
        Assert.That(runs.Where(id => id.StartsWith("exec/", StringComparison.Ordinal)), Is.EquivalentTo(new[]
        {
            "exec/baseline/text-short", "exec/baseline/tool-use", "exec/error-event/text-short", "exec/give-up/tool-use",
        }));
        Assert.That(runs.Where(id => id.StartsWith("tinyagent/", StringComparison.Ordinal)).Select(id => id["tinyagent/".Length..]),
            Is.EquivalentTo(runs.Where(id => id.StartsWith("exec/", StringComparison.Ordinal)).Select(id => id["exec/".Length..])), "the self-check ran the same sample");

        (exit, output, err) = await AnywhereKit.RunAsync(folder.Path, "run", "--client-exec", "python3 app.py", "-s", "error-event", "-r", "text-short", "-r", "crlf-keepalive");

        Assert.That(exit, Is.EqualTo(0), output + err);
        Assert.That(output, Does.Not.Contain("sample of recordings"));
        report = AnywhereKit.Report(folder.File("reports/report.json"));
        Assert.That(report["runs"]!.AsArray().Select(r => r!["id"]!.GetValue<string>()).Where(id => id.StartsWith("exec/", StringComparison.Ordinal)), Is.EquivalentTo(new[]
        {
            "exec/baseline/text-short", "exec/baseline/crlf-keepalive", "exec/error-event/text-short", "exec/error-event/crlf-keepalive",
        }));
    }
}
