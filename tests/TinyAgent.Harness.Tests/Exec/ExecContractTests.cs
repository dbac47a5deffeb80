using static TinyAgent.Harness.Tests.Exec.ExecSuite;

namespace TinyAgent.Harness.Tests.Exec;

/// <summary>
/// The exec contract end to end: the test client program run by the real CLI against the real replay server,
/// once behaving well, once per bug, and once per broken contract (crash, malformed result, never exits).
/// One suite for the whole fixture keeps the CI cost to one deadline's worth of waiting.
/// </summary>
[TestFixture]
[Parallelizable(ParallelScope.None)]
internal sealed class ExecContractTests
{
    private SuiteRun _run = null!;

    [OneTimeSetUp]
    public async Task RunSuite()
    {
        string[] modes = ["good", "split", "truncation", "ghost", "stall", "crash", "malformed", "never-exit"];
        _run = await ExecSuite.RunAsync(
            recordings: ["text-short", "text-long-cjk"],
            scenarios:
            [
                // Spaced chunks: reads written close together can merge in the client and hide the cuts.
                Scenario("split-protocol", """[{"kind":"split"},{"kind":"latency","firstByteMs":0,"betweenChunksMs":15,"jitterMs":0}]""", null, "text-short"),
                Scenario("error-event", """[{"kind":"error-event","afterEvents":5}]""", null, "text-short"),
                Scenario("give-up", """[{"kind":"latency","firstByteMs":0,"betweenChunksMs":25,"jitterMs":0}]""", "give-up", "text-long-cjk"),
                Scenario("stall", """[{"kind":"stall","afterEvents":4}]""", null, "text-short"),
            ],
            clients:
            [
                .. modes.Select(m => ExecEntry(m, m == "crash" ? CrashAfterPreflight() : TestClient(m))),
                ExecEntry("no-request", """echo '{"text":"","stop_reason":null,"error":{"type":"config","message":"no key"}}' > "$HARNESS_RESULT_FILE"; exit 1"""),
            ]);
    }

    /// <summary>
    /// A program that gives no answer on its first run stops the suite (the preflight); to see crashes reported in the
    /// matrix, this one answers its first run and crashes on every later one.
    /// </summary>
    private static string CrashAfterPreflight()
    {
        string marker = Path.Combine(Path.GetTempPath(), $"harness-crash-marker-{Guid.NewGuid():N}");
        return $"if [ -e '{marker}' ]; then {TestClient("crash")}; else touch '{marker}'; {TestClient("good")}; fi";
    }

    [Test]
    public void Suite_finishes_and_reports_every_run_of_every_client()
    {
        var report = _run.RequireReport();
        // 9 clients x 4 scenarios, plus every client's control run on each of the 2 recordings.
        Assert.That(report["runs"]!.AsArray(), Has.Count.EqualTo((9 * 4) + (9 * 2)), _run.Out);
        Assert.That(report["interrupted"]!.GetValue<bool>(), Is.False);
    }

    [Test]
    public void Well_behaved_program_handles_every_bug()
    {
        Assert.That(_run.VerdictTable("good"), Is.EqualTo(new Dictionary<string, string>
        {
            ["split-packet"] = "handled",
            ["silent-truncation"] = "handled",
            ["ghost-stream"] = "handled",
            ["stall"] = "handled",
        }), _run.Describe("good"));
    }

    [TestCase("split", "split-packet")]
    [TestCase("truncation", "silent-truncation")]
    [TestCase("ghost", "ghost-stream")]
    [TestCase("stall", "stall")]
    public void Program_with_one_bug_is_not_handled_for_that_bug_only(string mode, string bug)
    {
        var table = _run.VerdictTable(mode);
        Assert.That(table[bug], Is.EqualTo("not-handled"), _run.Describe(mode));
        Assert.That(table.Where(kv => kv.Key != bug).Select(kv => kv.Value), Has.None.EqualTo("not-handled"), _run.Describe(mode));
    }

    [Test]
    public void Program_that_exits_non_zero_without_a_result_file_or_stdout_is_reported_crashed_with_its_exit_code_and_stderr()
    {
        foreach (var run in _run.Runs("crash"))
        {
            Assert.That(run["outcome"]!.GetValue<string>(), Is.EqualTo("crashed"));
            Assert.That(run["error"]!.GetValue<string>(), Does.Contain("exited with code 3 with nothing on stdout and no HARNESS_RESULT_FILE"));
            Assert.That(run["stderr"]!.GetValue<string>(), Does.Contain("test client: crashing on purpose"));
        }
    }

    [Test]
    public void Program_that_writes_a_malformed_result_file_is_reported_crashed_with_the_position()
    {
        foreach (var run in _run.Runs("malformed"))
        {
            Assert.That(run["outcome"]!.GetValue<string>(), Is.EqualTo("crashed"));
            Assert.That(run["error"]!.GetValue<string>(), Does.Contain("result file is not valid JSON: line 1"));
        }
    }

    [Test]
    public void Program_that_never_exits_is_killed_at_the_deadline_and_reported_hung_with_its_output()
    {
        foreach (var run in _run.Runs("never-exit"))
        {
            Assert.That(run["outcome"]!.GetValue<string>(), Is.EqualTo("hung"));
            Assert.That(run["error"]!.GetValue<string>(), Does.Contain("process tree killed"));
            Assert.That(run["stdout"]!.GetValue<string>(), Does.Contain("test client: never exiting"));
        }
    }

    [Test]
    public void Contract_breakers_are_never_credited_with_handling_a_bug()
    {
        foreach (string client in new[] { "crash", "malformed", "never-exit" })
        {
            Assert.That(_run.VerdictTable(client).Values, Has.None.EqualTo("handled"), _run.Describe(client));
        }
    }

    [Test]
    public void Program_that_never_reaches_the_stream_exercises_no_bug_whatever_it_reports()
    {
        Assert.That(_run.VerdictTable("no-request").Values, Is.All.EqualTo("not-exercised"), _run.Describe("no-request"));
        foreach (var run in _run.Runs("no-request"))
        {
            Assert.That(run["findings"]!["silent-truncation"]!["evidence"]!.GetValue<string>(), Is.EqualTo("no request reached the replayed stream"));
        }
    }
}
