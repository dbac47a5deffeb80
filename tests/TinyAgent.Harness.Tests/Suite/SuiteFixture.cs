using System.Text;
using TinyAgent.Harness.Cli;
using TinyAgent.Harness.Tests.Recordings;

namespace TinyAgent.Harness.Tests.Suite;

/// <summary>A small suite file over bundled recordings, written to a temp folder, run through the real CLI in process.</summary>
internal sealed class SuiteFixture : IDisposable
{
    public SuiteFixture(string configJson)
    {
        Folder = new TempFolder();
        File.WriteAllText(Folder.File("harness.json"), configJson);
        foreach (string sse in Directory.EnumerateFiles(RepoPaths.RecordingsFolder))
        {
            File.Copy(sse, Folder.File(Path.GetFileName(sse)));
        }
    }

    public TempFolder Folder { get; }

    public string ConfigPath => Folder.File("harness.json");

    public async Task<(int Exit, string Out, string Err)> RunCliAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var context = new CliContext(output, error, TimeProvider.System, Folder.Path);
        int exit = await HarnessCli.RunAsync(args, context).WaitAsync(TimeSpan.FromMinutes(3));
        return (exit, output.ToString(), error.ToString());
    }

    public void Dispose() => Folder.Dispose();

    /// <summary>
    /// Every fault kind, on three recordings, for the four built-in clients: the end-to-end proof that each judge
    /// catches its specimen and passes TinyAgent.Client. Recordings are copied next to the config.
    /// </summary>
    public static string AllFaultsSuite(string expectations = DefaultExpectations) => new StringBuilder().Append("""
        {
          "seed": 7,
          "recordings": ["text-short.sse", "tool-use.sse", "crlf-keepalive.sse", "realistic-timing.sse"],
          "parallelism": 16,
          "timeouts": { "firstByteMs": 3000, "idleMs": 400, "totalMs": 3000, "deadlineMs": 4000, "stallToleranceMs": 1500, "ghostBoundMs": 500 },
          "consumers": { "give-up": { "giveUpAfterDeltas": 2 } },
          "scenarios": [
            { "name": "per-frame", "faults": [{ "kind": "per-frame" }] },
            { "name": "bytewise", "faults": [{ "kind": "bytewise" }] },
            { "name": "fixed", "faults": [{ "kind": "fixed", "size": 5 }] },
            { "name": "random", "faults": [{ "kind": "random", "min": 1, "max": 9 }] },
            { "name": "recorded", "faults": [{ "kind": "recorded", "speed": 20 }], "recordings": ["realistic-timing.sse"] },
            { "name": "split", "faults": [{ "kind": "split" }] },
            { "name": "error-event", "faults": [{ "kind": "error-event", "afterEvents": 4 }] },
            { "name": "max-tokens", "faults": [{ "kind": "max-tokens", "afterTextDeltas": 1 }] },
            { "name": "drop-reset", "faults": [{ "kind": "drop", "afterEvents": 4, "mode": "reset" }] },
            { "name": "drop-clean", "faults": [{ "kind": "drop", "afterEvents": 4, "mode": "clean-close", "midFrame": true }] },
            { "name": "stall", "faults": [{ "kind": "stall", "afterEvents": 3 }], "recordings": ["text-short.sse"] },
            { "name": "stall-pings", "faults": [{ "kind": "stall", "afterEvents": 3, "keepalive": "ping", "everyMs": 80 }], "recordings": ["text-short.sse"] },
            { "name": "give-up", "consumer": "give-up", "faults": [{ "kind": "latency", "firstByteMs": 0, "betweenChunksMs": 80, "jitterMs": 0 }] },
            { "name": "http-error", "faults": [{ "kind": "http-error", "status": 529, "attempts": 1, "retryAfterSeconds": 0 }] },
            { "name": "garbage", "faults": [{ "kind": "garbage", "modes": ["unknown-types"] }] },
            { "name": "invalid-json", "faults": [{ "kind": "garbage", "modes": ["invalid-json"] }], "recordings": ["text-short.sse"] },
            { "name": "bom-split", "faults": [{ "kind": "bom", "split": true }], "recordings": ["text-short.sse", "crlf-keepalive.sse"] },
            { "name": "line-endings-mixed", "faults": [{ "kind": "line-endings", "mode": "mixed" }], "recordings": ["text-short.sse", "tool-use.sse"] },
            { "name": "done-marker", "faults": [{ "kind": "done-marker" }], "recordings": ["text-short.sse"] },
            { "name": "error-first-event", "faults": [{ "kind": "error-event", "afterEvents": 0 }], "recordings": ["text-short.sse"] },
            { "name": "tool-cut", "faults": [{ "kind": "tool-cut" }], "recordings": ["tool-use.sse"] },
            { "name": "http-429-retry-after-ms", "faults": [{ "kind": "http-error", "status": 429, "retryAfterMs": 100, "rateLimitHeaders": true }], "recordings": ["text-short.sse"] }
          ],
          "clients": [ { "name": "tinyagent" }, { "name": "naive-split" }, { "name": "naive-truncation" }, { "name": "naive-ghost" } ],
          "expectations": EXPECTATIONS,
          "reports": { "formats": ["json", "junit", "md", "html"], "out": "out" }
        }
        """).Replace("EXPECTATIONS", expectations).ToString();

    public const string DefaultExpectations = """
        {
            "tinyagent": { "split-packet": "handled", "silent-truncation": "handled", "ghost-stream": "handled", "stall": "handled" },
            "naive-split": { "split-packet": "not-handled", "silent-truncation": "handled", "ghost-stream": "handled", "stall": "handled" },
            "naive-truncation": { "split-packet": "handled", "silent-truncation": "not-handled", "ghost-stream": "handled", "stall": "handled" },
            "naive-ghost": { "split-packet": "handled", "silent-truncation": "handled", "ghost-stream": "not-handled", "stall": "handled" }
          }
        """;
}
