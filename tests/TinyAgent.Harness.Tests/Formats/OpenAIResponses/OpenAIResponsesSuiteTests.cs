using TinyAgent.Harness.Cli;
using TinyAgent.Harness.Model;
using TinyAgent.Harness.Reports;
using TinyAgent.Harness.Tests.Recordings;

namespace TinyAgent.Harness.Tests.OpenAIResponses;

/// <summary>
/// The built-in <c>openai-responses</c> client through the real suite runner (CLI in process, real server on 127.0.0.1,
/// real HttpClient) on the Responses test streams: every concern is exercised and handled.
/// </summary>
[NonParallelizable]
internal sealed class OpenAIResponsesSuiteTests
{
    private const string Config = """
        {
          "seed": 11,
          "recordings": ["*.sse"],
          "parallelism": 8,
          "timeouts": { "firstByteMs": 3000, "idleMs": 800, "totalMs": 3500, "deadlineMs": 4500, "stallToleranceMs": 1500, "ghostBoundMs": 500 },
          "consumers": { "give-up": { "giveUpAfterDeltas": 2 } },
          "scenarios": [
            { "name": "baseline" },
            { "name": "split", "faults": [{ "kind": "split" }] },
            { "name": "bytewise", "faults": [{ "kind": "bytewise" }] },
            { "name": "error-event", "faults": [{ "kind": "error-event", "afterEvents": 4, "type": "server_error", "message": "The server had an error" }] },
            { "name": "error-first-event", "faults": [{ "kind": "error-event", "afterEvents": 0 }, { "kind": "per-frame", "paced": true }], "recordings": ["responses-text.sse"] },
            { "name": "max-tokens", "faults": [{ "kind": "max-tokens", "afterTextDeltas": 1 }] },
            { "name": "tool-cut", "faults": [{ "kind": "tool-cut" }, { "kind": "per-frame", "paced": true }], "recordings": ["responses-function-call.sse"] },
            { "name": "drop-reset", "faults": [{ "kind": "drop", "afterEvents": 5, "mode": "reset" }] },
            { "name": "drop-clean", "faults": [{ "kind": "drop", "afterEvents": 5, "mode": "clean-close", "midFrame": true }] },
            { "name": "stall", "faults": [{ "kind": "stall", "afterEvents": 4 }], "recordings": ["responses-text.sse"] },
            { "name": "stall-keepalive", "faults": [{ "kind": "stall", "afterEvents": 4, "keepalive": "ping", "everyMs": 100 }], "recordings": ["responses-text.sse"] },
            { "name": "pause", "faults": [{ "kind": "pause", "ms": 1200, "everyMs": 150 }, { "kind": "per-frame", "paced": true }], "recordings": ["responses-text.sse"] },
            { "name": "slow-close", "faults": [{ "kind": "slow-close" }, { "kind": "per-frame", "paced": true }], "recordings": ["responses-text.sse", "responses-incomplete.sse"] },
            { "name": "give-up", "consumer": "give-up", "faults": [{ "kind": "latency", "firstByteMs": 0, "betweenChunksMs": 80, "jitterMs": 0 }] },
            { "name": "http-503-then-ok", "faults": [{ "kind": "http-error", "status": 503, "attempts": 1, "retryAfterSeconds": 0 }, { "kind": "per-frame", "paced": true }] },
            { "name": "http-429-retry-after-ms", "faults": [{ "kind": "http-error", "status": 429, "retryAfterMs": 200, "rateLimitHeaders": true }, { "kind": "per-frame", "paced": true }], "recordings": ["responses-text.sse"] },
            { "name": "unknown-types", "faults": [{ "kind": "garbage", "modes": ["unknown-types"] }, { "kind": "per-frame", "paced": true }] },
            { "name": "done-marker", "faults": [{ "kind": "done-marker" }, { "kind": "per-frame", "paced": true }] },
            { "name": "line-endings-mixed", "faults": [{ "kind": "line-endings", "mode": "mixed" }, { "kind": "per-frame", "paced": true }] }
          ],
          "clients": [ { "name": "openai-responses" } ],
          "expectations": {
            "openai-responses": { "baseline": "handled", "split-packet": "handled", "silent-truncation": "handled", "ghost-stream": "handled", "stall": "handled", "retry": "handled", "wire-variants": "handled" }
          },
          "reports": { "formats": ["json"], "out": "out" }
        }
        """;

    private TempFolder _folder = null!;
    private SuiteReport _report = null!;
    private int _exit;
    private string _out = "";

    [OneTimeSetUp]
    public async Task Run_the_suite_once()
    {
        _folder = new TempFolder();
        File.WriteAllText(_folder.File("harness.json"), Config);
        foreach (var recording in new[] { ResponsesStreams.Text, ResponsesStreams.FunctionCall, ResponsesStreams.Reasoning, ResponsesStreams.Incomplete, ResponsesStreams.Failed })
        {
            File.WriteAllBytes(_folder.File(recording.Path), recording.Body);
        }

        var output = new StringWriter();
        var error = new StringWriter();
        _exit = await HarnessCli.RunAsync(["run", "--config", _folder.File("harness.json")], new CliContext(output, error, TimeProvider.System, _folder.Path)).WaitAsync(TimeSpan.FromMinutes(3));
        _out = output + error.ToString();
        _report = JsonReportWriter.Read(_folder.File("out/report.json"));
    }

    [OneTimeTearDown]
    public void Cleanup() => _folder.Dispose();

    [Test]
    public void Every_expectation_is_met()
    {
        Assert.That(_report.ExpectationFailures, Is.Empty, _out);
        Assert.That(_exit, Is.Zero, _out);
    }

    [TestCase("baseline")]
    [TestCase("split-packet")]
    [TestCase("silent-truncation")]
    [TestCase("ghost-stream")]
    [TestCase("stall")]
    [TestCase("retry")]
    [TestCase("wire-variants")]
    public void Every_concern_is_exercised_and_handled(string bug)
    {
        var b = _report.Clients.Single(c => c.Name == "openai-responses").Bugs[bug];

        Assert.That(b.Verdict, Is.EqualTo(Verdict.Handled), b.Evidence);
        Assert.That(b.RunsExercised, Is.GreaterThan(0));
    }

    [TestCase("error-event", "responses-text", "server_error")]
    [TestCase("error-first-event", "responses-text", "overloaded_error")]
    [TestCase("drop-reset", "responses-text", "incomplete_stream")]
    [TestCase("drop-clean", "responses-reasoning", "incomplete_stream")]
    [TestCase("stall", "responses-text", "stalled")]
    [TestCase("stall-keepalive", "responses-text", "timeout_total")]
    [TestCase("baseline", "responses-failed", "server_error")]
    public void Each_broken_ending_is_surfaced_as_its_own_error(string scenario, string recording, string errorType)
    {
        var run = Run(scenario, recording);

        Assert.That(run.Outcome, Is.EqualTo(ClientOutcome.Failed));
        Assert.That(run.Error, Does.StartWith(errorType + ":"));
    }

    [TestCase("max-tokens", "responses-text")]
    [TestCase("max-tokens", "responses-function-call")]
    [TestCase("tool-cut", "responses-function-call")]
    [TestCase("baseline", "responses-incomplete")]
    public void A_length_ending_is_reported_as_max_output_tokens(string scenario, string recording)
    {
        var run = Run(scenario, recording);

        Assert.That((run.Outcome, run.StopReason), Is.EqualTo((ClientOutcome.Completed, "max_output_tokens")));
        Assert.That(run.Findings["silent-truncation"].Verdict, Is.EqualTo(Verdict.Handled));
    }

    private RunReport Run(string scenario, string recording) =>
        _report.Runs.Single(r => r.Client == "openai-responses" && r.Scenario == scenario && r.Recording == recording);
}
