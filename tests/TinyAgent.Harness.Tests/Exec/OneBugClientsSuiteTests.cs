using System.Diagnostics;
using System.Text.Json.Nodes;
using TinyAgent.Harness.Cli;
using TinyAgent.Harness.Tests.Recordings;

namespace TinyAgent.Harness.Tests.Exec;

/// <summary>
/// The one-bug client suites through the real CLI. harness.clients.json: the 28 exec clients of tests/clients (14 in
/// Python, 14 in Node: correct and 13 one-bug copies of it) and the built-in tinyagent, 19 scenarios on 4 of the bundled
/// recordings (1,740 runs), with an expected verdict per client and concern; harness.clients.openai.json: the same for
/// the OpenAI formats. Exit code 0 means every expectation was met. Slow (thousands of process starts, minutes on 2 cores): category "Clients",
/// so `dotnet test --filter "TestCategory!=Clients"` leaves it out. Skipped when python3 or node is missing.
/// </summary>
[TestFixture]
[Category("Clients")]
[Parallelizable(ParallelScope.None)]
internal sealed class OneBugClientsSuiteTests
{
    [Test]
    public Task Every_one_bug_client_gets_exactly_its_expected_verdicts() =>
        RunSuiteAsync("harness.clients.json", TimeSpan.FromMinutes(90));

    /// <summary>
    /// harness.clients.openai.json: the 24 OpenAI one-bug clients of tests/clients/{python,node}/openai (chat-* on Chat
    /// Completions, responses-* on Responses; correct and five one-bug copies each) and the built-in openai-chat and
    /// openai-responses, 10 scenarios on 8 of recordings/openai (442 runs, 2.5-4 minutes on 2 cores).
    /// </summary>
    [Test]
    public Task Every_OpenAI_one_bug_client_gets_exactly_its_expected_verdicts() =>
        RunSuiteAsync("harness.clients.openai.json", TimeSpan.FromMinutes(30));

    /// <summary>Runs the suite file through the real CLI and asserts exit 0: every expectation met.</summary>
    private static async Task RunSuiteAsync(string suite, TimeSpan limit)
    {
        string root = RepoPaths.RepoRoot;
        string? python = await FirstLineAsync("python3", "-c \"import sys; print(sys.executable)\"", root);
        if (python is null)
        {
            Assert.Ignore($"python3 is not on PATH: the Python one-bug clients of {suite} cannot run");
        }

        if (await FirstLineAsync("node", "--version", root) is null)
        {
            Assert.Ignore($"node is not on PATH: the Node one-bug clients of {suite} cannot run");
        }

        using var folder = new TempFolder();
        string? path = Environment.GetEnvironmentVariable("PATH");
        // The suite says "python3"; behind a pyenv shim every start costs ~0.5 CPU-s more than the interpreter
        // itself, which on 2 cores doubles the suite and stretches its timing bounds. The exec processes inherit
        // this process's PATH, so put the interpreter the shim resolves to first (python3 stays the same program).
        if (!OperatingSystem.IsWindows())
        {
            File.CreateSymbolicLink(folder.File("python3"), python);
        }

        Environment.SetEnvironmentVariable("PATH", folder.Path + Path.PathSeparator + path);
        var output = new StringWriter();
        var errors = new StringWriter();
        var clock = Stopwatch.StartNew();
        int exit;
        try
        {
            var context = new CliContext(output, errors, TimeProvider.System, root);
            string config = Path.Combine(root, suite);
            string outDir = folder.File("reports");
            exit = await HarnessCli.RunAsync(["run", "--config", config, "--out", outDir], context).WaitAsync(limit);

            string reportPath = Path.Combine(outDir, "report.json");
            Assert.That(File.Exists(reportPath), Is.True, $"no report.json (exit {exit}); err: {errors}");
            var report = JsonNode.Parse(await File.ReadAllTextAsync(reportPath))!.AsObject();
            Assert.That(exit, Is.EqualTo(0), () => Unmet(suite, report, exit, clock.Elapsed));
        }
        finally
        {
            Environment.SetEnvironmentVariable("PATH", path);
        }
    }

    /// <summary>Every unmet expectation with the verdict's evidence and deciding runs, one per line.</summary>
    private static string Unmet(string suite, JsonObject report, int exit, TimeSpan wall)
    {
        var lines = new List<string> { $"{suite}: exit {exit} after {wall.TotalSeconds:F0} s; unmet expectations:" };
        foreach (var client in report["clients"]!.AsArray().Select(c => c!.AsObject()))
        {
            foreach (var (bug, node) in client["bugs"]!.AsObject())
            {
                var b = node!.AsObject();
                if (b["met"]?.GetValue<bool>() == false)
                {
                    string runs = string.Join(", ", b["decidingRuns"]?.AsArray().Select(r => r!.GetValue<string>()).Take(3) ?? []);
                    lines.Add($"  {client["name"]} {bug}: expected {b["expected"]}, got {b["verdict"]} ({runs}): {Trim(b["evidence"]?.GetValue<string>())}");
                }
            }
        }

        if (lines.Count == 1)
        {
            lines.AddRange((report["expectationFailures"]?.AsArray() ?? []).Select(f => "  " + f));
        }

        return string.Join(Environment.NewLine, lines);
    }

    private static string Trim(string? s) => s is null ? "" : s.Length > 300 ? s[..300] + "..." : s;

    /// <summary>The first line of the command's stdout when it runs and exits 0; null when it is missing or fails.</summary>
    private static async Task<string?> FirstLineAsync(string file, string args, string workingDirectory)
    {
        var psi = new ProcessStartInfo(file, args) { WorkingDirectory = workingDirectory, RedirectStandardOutput = true, RedirectStandardError = true };
        try
        {
            using var p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            try
            {
                await p.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            }
            catch (TimeoutException)
            {
                p.Kill(entireProcessTree: true);
                return null;
            }

            await Task.WhenAll(stdout, stderr).WaitAsync(TimeSpan.FromSeconds(10));
            string first = (await stdout).Split('\n')[0].Trim();
            return p.ExitCode == 0 && first.Length > 0 ? first : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
