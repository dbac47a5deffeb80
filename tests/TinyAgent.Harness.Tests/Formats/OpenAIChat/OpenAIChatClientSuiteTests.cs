using TinyAgent.Harness.Cli;
using TinyAgent.Harness.Model;
using TinyAgent.Harness.Reports;
using TinyAgent.Harness.Tests.Recordings;

namespace TinyAgent.Harness.Tests.OpenAIChat;

/// <summary>
/// The built-in <c>openai-chat</c> client through the real suite runner (real server on 127.0.0.1, the real CLI) on the
/// small Chat Completions streams, with the faults of every concern: it must be handled on each, as the default suite's
/// client for the format. Also proves every content fault works end to end on this format.
/// </summary>
[NonParallelizable]
internal sealed class OpenAIChatClientSuiteTests
{
    private const string Config = """
        {
          "seed": 7,
          "recordings": ["*.sse"],
          "parallelism": 8,
          "timeouts": { "firstByteMs": 3000, "idleMs": 400, "totalMs": 3000, "deadlineMs": 4500, "stallToleranceMs": 1500, "ghostBoundMs": 500 },
          "consumers": { "give-up": { "giveUpAfterDeltas": 2 } },
          "scenarios": [
            { "name": "bytewise", "faults": [{ "kind": "bytewise" }] },
            { "name": "split", "faults": [{ "kind": "split" }] },
            { "name": "random", "faults": [{ "kind": "random", "min": 1, "max": 9 }] },
            { "name": "error-event", "faults": [{ "kind": "error-event", "afterEvents": 3 }] },
            { "name": "error-first-event", "faults": [{ "kind": "error-event", "afterEvents": 0 }], "recordings": ["chat-text.sse"] },
            { "name": "max-tokens", "faults": [{ "kind": "max-tokens", "afterTextDeltas": 1 }] },
            { "name": "tool-cut", "faults": [{ "kind": "tool-cut" }], "recordings": ["chat-tools.sse"] },
            { "name": "drop-reset", "faults": [{ "kind": "drop", "afterEvents": 3, "mode": "reset" }] },
            { "name": "drop-clean", "faults": [{ "kind": "drop", "afterEvents": 3, "mode": "clean-close", "midFrame": true }] },
            { "name": "stall", "faults": [{ "kind": "stall", "afterEvents": 3 }], "recordings": ["chat-text.sse", "chat-tools.sse"] },
            { "name": "stall-keepalives", "faults": [{ "kind": "stall", "afterEvents": 3, "keepalive": "ping", "everyMs": 80 }], "recordings": ["chat-text.sse"] },
            { "name": "pause", "faults": [{ "kind": "pause", "ms": 1200, "everyMs": 100 }], "recordings": ["chat-text.sse"] },
            { "name": "slow-close", "faults": [{ "kind": "slow-close", "holdMs": 2500 }], "recordings": ["chat-text.sse"] },
            { "name": "give-up", "consumer": "give-up", "faults": [{ "kind": "latency", "firstByteMs": 0, "betweenChunksMs": 80, "jitterMs": 0 }] },
            { "name": "http-429", "faults": [{ "kind": "http-error", "status": 429, "retryAfterMs": 100, "rateLimitHeaders": true }], "recordings": ["chat-text.sse", "chat-tools.sse"] },
            { "name": "http-503-twice", "faults": [{ "kind": "http-error", "status": 503, "attempts": 2, "retryAfterSeconds": 0 }], "recordings": ["chat-text.sse"] },
            { "name": "http-401", "faults": [{ "kind": "http-error", "status": 401 }], "recordings": ["chat-text.sse"] },
            { "name": "unknown-types", "faults": [{ "kind": "garbage", "modes": ["unknown-types"] }, { "kind": "per-frame", "paced": true }] },
            { "name": "done-marker", "faults": [{ "kind": "done-marker" }], "recordings": ["chat-text.sse"] },
            { "name": "line-endings-mixed", "faults": [{ "kind": "line-endings", "mode": "mixed" }] },
            { "name": "bom-split", "faults": [{ "kind": "bom", "split": true }] }
          ],
          "clients": [ { "name": "openai-chat" } ],
          "expectations": {
            "openai-chat": { "baseline": "handled", "split-packet": "handled", "silent-truncation": "handled", "ghost-stream": "handled", "stall": "handled", "retry": "handled", "wire-variants": "handled" }
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
        ChatStreams.WriteAll(_folder.Path);
        var output = new StringWriter();
        var error = new StringWriter();
        _exit = await HarnessCli.RunAsync(["run", "--config", _folder.File("harness.json")], new CliContext(output, error, TimeProvider.System, _folder.Path))
            .WaitAsync(TimeSpan.FromMinutes(3));
        _out = output + error.ToString();
        _report = JsonReportWriter.Read(_folder.File("out/report.json"));
    }

    [OneTimeTearDown]
    public void Cleanup() => _folder.Dispose();

    [Test]
    public void Every_concern_is_handled_and_the_suite_passes()
    {
        var client = _report.Clients.Single(c => c.Name == "openai-chat");
        Assert.Multiple(() =>
        {
            foreach (string bug in Bugs.All)
            {
                Assert.That(client.Bugs[bug].Verdict, Is.EqualTo(Verdict.Handled), $"{bug}: {client.Bugs[bug].Evidence}");
                Assert.That(client.Bugs[bug].RunsExercised, Is.GreaterThan(0), bug);
            }
        });
        Assert.That(_report.ExpectationFailures, Is.Empty, _out);
        Assert.That(_exit, Is.Zero, _out);
    }

    [TestCase("error-event", "chat-text", "silent-truncation")]
    [TestCase("max-tokens", "chat-usage", "silent-truncation")]
    [TestCase("tool-cut", "chat-tools", "silent-truncation")]
    [TestCase("drop-clean", "chat-azure", "silent-truncation")]
    [TestCase("stall", "chat-tools", "stall")]
    [TestCase("stall-keepalives", "chat-text", "stall")]
    [TestCase("pause", "chat-text", "stall")]
    [TestCase("slow-close", "chat-text", "stall")]
    [TestCase("give-up", "chat-text", "ghost-stream")]
    [TestCase("http-429", "chat-tools", "retry")]
    [TestCase("http-503-twice", "chat-text", "retry")]
    [TestCase("http-401", "chat-text", "retry")]
    [TestCase("unknown-types", "chat-azure", "wire-variants")]
    [TestCase("line-endings-mixed", "chat-crlf", "wire-variants")]
    [TestCase("bom-split", "chat-crlf", "split-packet")]
    [TestCase("bytewise", "chat-tools", "split-packet")]
    [TestCase("split", "chat-reasoning", "split-packet")]
    public void Each_fault_exercises_its_concern_on_this_format_and_the_client_handles_it(string scenario, string recording, string bug)
    {
        var run = _report.Runs.Single(r => r.Id == $"openai-chat/{scenario}/{recording}");
        var finding = run.Findings[bug];
        Assert.That(finding.Verdict, Is.EqualTo(Verdict.Handled), finding.Evidence);
    }
}
