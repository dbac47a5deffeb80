using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Kit = TinyAgent.Harness.Tests.Server.ServerTestKit;
using TinyAgent.Harness.Cli;
using TinyAgent.Harness.Plan;
using TinyAgent.Harness.Plan.Faults;
using TinyAgent.Harness.Replay;
using TinyAgent.Harness.Tests.Faults;
using TinyAgent.Harness.Tests.Recordings;

namespace TinyAgent.Harness.Tests.Reliability;

/// <summary>Every run has a deadline, every suite completes and reports, and nothing is left running.</summary>
internal sealed class NeverHangTests
{
    private static readonly TimeSpan SuiteBound = TimeSpan.FromSeconds(90);

    private static string Suite(string clients, string scenarios, int deadlineMs = 1500) => $$"""
        {
          "recordings": ["recordings/*.sse"],
          "parallelism": 4,
          "timeouts": { "firstByteMs": 1000, "idleMs": 400, "totalMs": 5000, "deadlineMs": {{deadlineMs}} },
          "scenarios": {{scenarios}},
          "clients": {{clients}}
        }
        """;

    private const string TwoScenarios = """[{ "name": "baseline", "faults": [] }, { "name": "error-event", "faults": [{ "kind": "error-event", "afterEvents": 5 }] }]""";

    private static TempFolder SuiteFolder(string config)
    {
        var dir = new TempFolder();
        Directory.CreateDirectory(dir.File("recordings"));
        foreach (string name in new[] { "text-short.sse", "tool-use.sse" })
        {
            File.Copy(Path.Combine(RepoPaths.RecordingsFolder, name), dir.File("recordings/" + name));
        }

        File.WriteAllText(dir.File("harness.json"), config);
        return dir;
    }

    private static JsonDocument Report(string dir) => JsonDocument.Parse(File.ReadAllBytes(Path.Combine(dir, "report.json")));

    private static Dictionary<string, string> Verdicts(JsonDocument report, string client) =>
        report.RootElement.GetProperty("clients").EnumerateArray().Single(c => c.GetProperty("name").GetString() == client)
            .GetProperty("bugs").EnumerateObject().ToDictionary(b => b.Name, b => b.Value.GetProperty("verdict").GetString()!);

    [Test]
    public async Task A_suite_with_the_hang_client_completes_reports_it_hung_and_leaves_other_verdicts_alone()
    {
        using var dir = SuiteFolder(Suite("""[{ "name": "tinyagent" }, { "name": "hang" }]""", TwoScenarios));
        var watch = Stopwatch.StartNew();
        var (code, stdout, stderr) = await BadInputTests.RunCliAsync(["run", "--out", "with-hang"], dir.Path).WaitAsync(SuiteBound);
        var elapsed = watch.Elapsed;
        var (aloneCode, _, _) = await BadInputTests.RunCliAsync(["run", "--client", "tinyagent", "--out", "alone"], dir.Path).WaitAsync(SuiteBound);

        using var withHang = Report(dir.File("with-hang"));
        using var alone = Report(dir.File("alone"));
        var hangRuns = withHang.RootElement.GetProperty("runs").EnumerateArray().Where(r => r.GetProperty("client").GetString() == "hang").ToList();
        Assert.Multiple(() =>
        {
            Assert.That(stderr, Is.Empty, stdout);
            Assert.That(code, Is.EqualTo(ExitCodes.Ok), "no expectations are configured: hung runs are reported, not fatal");
            Assert.That(aloneCode, Is.EqualTo(ExitCodes.Ok));
            Assert.That(hangRuns, Has.Count.EqualTo(4), "2 recordings x 2 scenarios");
            Assert.That(hangRuns.Select(r => r.GetProperty("outcome").GetString()), Is.All.EqualTo("hung"));
            Assert.That(Verdicts(withHang, "tinyagent"), Is.EqualTo(Verdicts(alone, "tinyagent")), "tinyagent's verdicts do not depend on a hung neighbour");
            Assert.That(elapsed, Is.LessThan(TimeSpan.FromSeconds(60)), "abandoned at the deadline, not waited for");
        });
    }

    [Test]
    public async Task An_exec_client_past_its_deadline_has_its_whole_process_tree_killed()
    {
        using var dir = SuiteFolder("");
        string pidFile = dir.File("grandchild.pid");

        // The exec shell starts a child shell, which starts a grandchild sleep and waits on it.
        string command = $"sh -c 'sleep 300 & echo $! > {pidFile}; wait'";
        File.WriteAllText(dir.File("harness.json"), Suite($$"""[{ "name": "sleeper", "exec": {{JsonSerializer.Serialize(command)}} }]""", """[{ "name": "baseline", "faults": [] }]""", deadlineMs: 1000)
            .Replace("recordings/*.sse", "recordings/text-short.sse", StringComparison.Ordinal));

        var (code, stdout, stderr) = await BadInputTests.RunCliAsync(["run", "--out", "out"], dir.Path).WaitAsync(SuiteBound);

        Assert.That(stderr, Is.Empty, stdout);
        int pid = int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        using var report = Report(dir.File("out"));
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(ExitCodes.Ok));
            Assert.That(report.RootElement.GetProperty("runs")[0].GetProperty("outcome").GetString(), Is.EqualTo("hung"));
            Assert.That(IsAlive(pid), Is.False, $"grandchild sleep {pid} was killed with the tree");
        });
    }

    /// <summary>A process is alive when /proc has it and it is not a zombie waiting to be reaped.</summary>
    private static bool IsAlive(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] != 'Z';
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Program.cs routes SIGINT (Ctrl+C) and SIGTERM (service managers, <c>docker stop</c>) to one handler: both must end the same way.</summary>
    [TestCase("INT")]
    [TestCase("TERM")]
    [Platform(Include = "Linux")]
    public async Task A_signal_during_run_writes_the_partial_report_marked_interrupted_and_exits_130(string signal)
    {
        // Redirected output prints a progress line per run that shows a bug: naive-truncation under error-event gives
        // one at once, while the slow runs (188 events, 100 ms apart) are still going when the signal lands.
        using var dir = SuiteFolder(Suite(
            """[{ "name": "tinyagent" }, { "name": "naive-truncation" }]""",
            """[{ "name": "error-event", "faults": [{ "kind": "error-event", "afterEvents": 5 }] }, { "name": "slow", "faults": [{ "kind": "latency", "firstByteMs": 0, "betweenChunksMs": 100, "jitterMs": 0 }], "recordings": ["text-long-cjk.sse"] }]""",
            deadlineMs: 120_000)
            .Replace("\"totalMs\": 5000", "\"totalMs\": 120000", StringComparison.Ordinal)
            .Replace("\"idleMs\": 400", "\"idleMs\": 5000", StringComparison.Ordinal)
            );
        File.Copy(Path.Combine(RepoPaths.RecordingsFolder, "text-long-cjk.sse"), dir.File("recordings/text-long-cjk.sse"));

        using var harness = HarnessProcess.Start(dir.Path, ["run", "--config", "harness.json", "--out", "out"], l => l.Contains(" not handled)", StringComparison.Ordinal));
        string line = await harness.AwaitedLine.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.That(line, Does.StartWith("["), "a run has finished");
        await harness.SignalAsync(signal);
        await harness.Process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));

        string log = harness.Log;
        using var report = Report(dir.File("out"));
        Assert.Multiple(() =>
        {
            Assert.That(harness.Process.ExitCode, Is.EqualTo(ExitCodes.Interrupted), log);
            Assert.That(report.RootElement.GetProperty("interrupted").GetBoolean(), Is.True, log);
            Assert.That(log, Does.Contain("INTERRUPTED: partial report written"));
            Assert.That(report.RootElement.GetProperty("runs").GetArrayLength(), Is.GreaterThanOrEqualTo(1), "the finished runs are kept");
            Assert.That(Directory.GetFiles(dir.File("out"), "*.tmp"), Is.Empty, "no half-written report");
        });
    }

    /// <summary>Latency and recorded timing are kept short so a hundred runs fit in CI; every other kind is as in the planner fuzz.</summary>
    private static readonly Dictionary<string, Func<Random, string>> Specs = new()
    {
        ["fixed"] = r => $"fixed:size={r.Next(1, 80)}",
        ["random"] = r => { int min = r.Next(1, 20); return $"random:min={min},max={min + r.Next(0, 60)}"; },
        ["bytewise"] = _ => "bytewise",
        ["per-frame"] = _ => "per-frame",
        ["recorded"] = r => $"recorded:speed={20 + r.NextDouble() * 20}",
        ["split"] = r => $"split:fraction={r.NextDouble()}",
        ["latency"] = r => $"latency:firstByteMs={r.Next(0, 100)},betweenChunksMs={r.Next(0, 3)},jitterMs={r.Next(0, 3)}",
        ["error-event"] = r => $"error-event:afterEvents={r.Next(0, 30)}",
        ["max-tokens"] = r => $"max-tokens:afterTextDeltas={r.Next(1, 10)}",
        ["drop"] = r => r.Next(2) == 0 ? $"drop:afterBytes={r.Next(1, 2000)}" : $"drop:afterEvents={r.Next(0, 30)},midFrame={(r.Next(2) == 0 ? "true" : "false")},mode=clean-close",
        ["stall"] = r => $"stall:afterEvents={r.Next(0, 30)},keepalive={StallOptions.KeepaliveKinds[r.Next(3)]}",
        ["http-error"] = r => $"http-error:status={new[] { 429, 500, 529, 503 }[r.Next(4)]},attempts=1",
        ["garbage"] = r => r.Next(2) == 0 ? "garbage:modes=unknown-types" : "garbage:modes=invalid-json",
    };

    [Test]
    public async Task Random_fault_combinations_replayed_over_TCP_all_finish_within_the_bound()
    {
        const int Runs = 100;
        var random = new Random(20261124);
        var plans = new Dictionary<string, IReadOnlyList<ReplayPlan>>();
        var labels = new Dictionary<string, string>();
        for (int i = 0; i < Runs; i++)
        {
            var recording = TestStreams.All[random.Next(TestStreams.All.Count)];
            var specs = Enumerable.Range(0, random.Next(1, 4)).Select(_ => Specs.Values.ElementAt(random.Next(Specs.Count))(random)).ToList();
            string label = $"case {i}: {recording.Name} [{string.Join(" ", specs)}]";
            plans[$"c{i}"] = [FaultPlanner.Plan(recording, [.. specs.Select(s => FaultRegistry.Parse(s, label))], attempt: 1, seed: random.Next())];
            labels[$"c{i}"] = label;
        }

        await using var server = await Kit.StartAsync(new StaticScenarioSource(plans), new ReplayServerOptions { StallLimit = TimeSpan.FromSeconds(20) });
        using var client = Kit.Client();
        var slow = new ConcurrentBag<string>();
        var watch = Stopwatch.StartNew();
        await Parallel.ForAsync(0, Runs, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            string scenario = $"c{i}";
            var started = Stopwatch.StartNew();
            await ReadUntilIdleAsync(client, server.ScenarioUrl(scenario), idle: TimeSpan.FromSeconds(1));
            var evidence = await server.WaitForCompletionAsync(scenario, 1, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
            if (started.Elapsed > TimeSpan.FromSeconds(15))
            {
                slow.Add($"{labels[scenario]}: {started.Elapsed.TotalSeconds:0.0} s, ending {evidence.Ending}");
            }
        }).WaitAsync(TimeSpan.FromMinutes(4));

        TestContext.Out.WriteLine($"{Runs} fault combinations over TCP in {watch.Elapsed.TotalSeconds:0.0} s");
        Assert.That(slow, Is.Empty, "each run (client read + server completion) ends within 15 s");
    }

    /// <summary>Reads a stream to its end or error, leaving when no byte arrives for <paramref name="idle"/> (a stall).</summary>
    private static async Task ReadUntilIdleAsync(HttpClient client, Uri scenarioUrl, TimeSpan idle)
    {
        using var response = await Kit.SendAsync(client, Kit.Messages(scenarioUrl));
        await using var body = await response.Content.ReadAsStreamAsync().WaitAsync(Kit.Bound);
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                using var cts = new CancellationTokenSource(idle);
                if (await body.ReadAsync(buffer, cts.Token) == 0)
                {
                    return;
                }
            }
        }
        catch (Exception e) when (e is IOException or HttpRequestException or OperationCanceledException)
        {
            // reset, clean close mid-frame, or a stall we walked away from: the server must still finish
        }
    }
}
