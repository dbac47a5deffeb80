using TinyAgent.Harness.Tests.Commands;
using TinyAgent.Harness.Tests.Recordings;

namespace TinyAgent.Harness.Tests.Anywhere;

/// <summary>
/// No adapter needed: programs that write no result file are judged from their stdout and exit code, each exec client
/// first answers one control run (or the run stops with one line), and the user's own client leads the reports.
/// The clients are small Python programs on the standard library, each with at most one bug, run as real processes.
/// </summary>
internal sealed class StdoutClientTests
{
    private const string Open = """
        import json, os, sys, urllib.request
        request = urllib.request.Request(
            os.environ["ANTHROPIC_BASE_URL"] + "/v1/messages",
            data=b'{"model": "m", "max_tokens": 64, "stream": true, "messages": [{"role": "user", "content": "hi"}]}',
            headers={"content-type": "application/json", "x-api-key": os.environ["ANTHROPIC_API_KEY"], "anthropic-version": "2023-06-01"})
        response = urllib.request.urlopen(request, timeout=30)

        def handle(line, raise_on_error):
            if not line.startswith("data:"):
                return
            event = json.loads(line[5:])
            if event["type"] == "content_block_delta" and event["delta"]["type"] == "text_delta":
                print(event["delta"]["text"], end="", flush=True)
            elif event["type"] == "error" and raise_on_error:
                sys.exit("error event: " + event["error"]["type"])

        """;

    /// <summary>Buffers by line (for line in response) and exits 1 on an error event: no bug.</summary>
    private const string Lines = Open + """
        for raw in response:
            handle(raw.decode("utf-8").rstrip("\r\n"), raise_on_error=True)
        """;

    /// <summary>Buffers by line but ignores error events and exits 0: silent truncation.</summary>
    private const string IgnoresErrors = Open + """
        for raw in response:
            handle(raw.decode("utf-8").rstrip("\r\n"), raise_on_error=False)
        """;

    /// <summary>Parses every read on its own, no buffer: a frame cut in two breaks it (split packet).</summary>
    private const string NoBuffer = Open + """
        while True:
            chunk = response.read1(65536)
            if not chunk:
                break
            for line in chunk.decode("utf-8").replace("\r\n", "\n").split("\n"):
                handle(line, raise_on_error=True)
        """;

    private static TempFolder ClientsFolder()
    {
        var folder = new TempFolder();
        File.WriteAllText(folder.File("lines.py"), Lines);
        File.WriteAllText(folder.File("ignores_errors.py"), IgnoresErrors);
        File.WriteAllText(folder.File("no_buffer.py"), NoBuffer);
        return folder;
    }

    [Test]
    public async Task Programs_without_a_result_file_are_judged_from_stdout_and_exit_code_each_caught_for_its_one_bug()
    {
        AnywhereKit.RequirePython();
        using var folder = ClientsFolder();
        AnywhereKit.CopyRecordings(folder.Path, "text-short", "text-long-cjk");
        var generated = await AnywhereKit.RunAsync(folder.Path, "generate", "--out", ".", "--count", "1", "--seed", "5", "--words", "1500");
        Assert.That(generated.Exit, Is.EqualTo(0), generated.Err);
        File.WriteAllText(folder.File("harness.json"), """
            {
              "recordings": ["*.sse"],
              "parallelism": 4,
              "timeouts": { "idleMs": 400, "deadlineMs": 15000, "stallToleranceMs": 4000 },
              "scenarios": [
                { "name": "split", "faults": [{ "kind": "split" }] },
                { "name": "error-event", "faults": [{ "kind": "error-event", "afterEvents": 4 }] }
              ],
              "clients": [
                { "name": "lines", "exec": "python3 lines.py" },
                { "name": "ignores-errors", "exec": "python3 ignores_errors.py" },
                { "name": "no-buffer", "exec": "python3 no_buffer.py" }
              ],
              "reports": { "formats": ["json", "md"] }
            }
            """);

        var (exit, output, err) = await AnywhereKit.RunAsync(folder.Path, "run");

        Assert.That(exit, Is.EqualTo(0), output + err);
        var report = AnywhereKit.Report(folder.File("reports/report.json"));
        string Table(string client) => string.Join(" ", new[] { "baseline", "split-packet", "silent-truncation" }.Select(b => AnywhereKit.Verdict(report, client, b)));
        Assert.Multiple(() =>
        {
            Assert.That(Table("lines"), Is.EqualTo("handled handled handled"), output);
            Assert.That(Table("ignores-errors"), Is.EqualTo("handled handled not-handled"), output);
            Assert.That(Table("no-buffer"), Is.EqualTo("handled not-handled handled"), output);
        });
        foreach (string client in new[] { "lines", "ignores-errors", "no-buffer" })
        {
            Assert.That(AnywhereKit.Client(report, client)["read"]!.GetValue<string>(), Is.EqualTo("stdout"));
        }

        var runs = report["runs"]!.AsArray().Select(r => r!.AsObject()).ToList();
        Assert.That(runs.Select(r => r["read"]!.GetValue<string>()).Distinct(), Is.EqualTo(new[] { "stdout" }));
        var longRun = runs.Single(r => r["id"]!.GetValue<string>() == "lines/baseline/gen-5-0000");
        string expected = Harness.Recordings.RecordingLoader.Load(folder.File("gen-5-0000.sse")).Expected.Text;
        Assert.That(expected, Has.Length.GreaterThan(4 * 2048));
        Assert.That(longRun["textLength"]!.GetValue<int>(), Is.EqualTo(expected.Length), "the whole of stdout is the text, not the tail kept for the report");
        Assert.That(longRun["stdout"]!.GetValue<string>(), Does.StartWith("[...]"), "the report keeps only the tail");
        var truncated = runs.Single(r => r["id"]!.GetValue<string>() == "lines/error-event/text-short");
        Assert.That((truncated["outcome"]!.GetValue<string>(), truncated["error"]!.GetValue<string>()), Is.EqualTo(("failed", "exit_code: exited with code 1")));
        Assert.That(output, Does.Contain("lines: `python3 lines.py`, read from stdout and the exit code (no result file; no stop_reason)\n"));
        Assert.That(File.ReadAllText(folder.File("reports/report.md")), Does.Contain("- **lines**: `python3 lines.py`, read from stdout and the exit code"));
    }

    [Test]
    public async Task With_client_exec_the_users_client_leads_every_report_and_the_built_ins_are_one_self_check_line()
    {
        AnywhereKit.RequirePython();
        using var folder = ClientsFolder();
        var (exit, output, err) = await AnywhereKit.RunAsync(folder.Path, "run", "--client-exec", "python3 lines.py",
            "--scenario", "split-protocol", "--scenario", "error-event", "-r", "text-short", "-r", "tool-use");

        Assert.That(exit, Is.EqualTo(0), output + err);
        string selfCheck = "self-check: the built-in specimens are caught and tinyagent passes, so every verdict can fail (4 of 4)";
        var lines = output.Split('\n');
        int header = Array.FindIndex(lines, l => l.StartsWith("client ", StringComparison.Ordinal));
        Assert.That(lines[header + 1], Does.StartWith("exec "), output);
        Assert.That(lines[header + 2], Is.EqualTo("(! = not what the embedded suite expects)"));
        Assert.That(output, Does.Contain(selfCheck + "\n"));
        Assert.That(lines.Where(l => l.StartsWith("naive-", StringComparison.Ordinal) || l.StartsWith("tinyagent ", StringComparison.Ordinal)), Is.Empty, output);
        Assert.That(output, Does.Contain("preflight: exec (`python3 lines.py`) answered the control on text-short: completed, read from stdout"));

        string md = File.ReadAllText(folder.File("reports/report.md"));
        Assert.That(md, Does.Contain("| exec |"));
        Assert.That(md, Does.Not.Contain("| naive-split |"));
        Assert.That(md, Does.Contain("- " + selfCheck));
        string html = File.ReadAllText(folder.File("reports/report.html"));
        Assert.That(html, Does.Contain("<tr><th>exec<br><small>read: stdout</small></th>"));
        Assert.That(html, Does.Not.Contain("<tr><th>naive-split"));
        Assert.That(html, Does.Contain(selfCheck));
        var report = AnywhereKit.Report(folder.File("reports/report.json"));
        Assert.That(report["headline"]!.AsArray().Select(n => n!.GetValue<string>()), Is.EqualTo(new[] { "exec" }));
        Assert.That(AnywhereKit.Client(report, "exec")["command"]!.GetValue<string>(), Is.EqualTo("python3 lines.py"));
    }

    [TestCase("no-such-program-4711", "exited with code 127 and printed nothing on stdout (stderr: ", "not found")]
    [TestCase("./not-executable.sh", "exited with code 126 and printed nothing on stdout (stderr: ", "Permission denied")]
    [TestCase("python3 -c 'import sys; sys.exit(3)'", "exited with code 3 and printed nothing on stdout", "")]
    public async Task A_client_that_gives_no_answer_on_its_first_run_stops_the_run_before_the_matrix_in_one_line(string command, string what, string stderr)
    {
        AnywhereKit.RequirePython();
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("not-executable.sh"), "#!/bin/sh\necho hi\n");

        var result = await AnywhereKit.RunAsync(folder.Path, "run", "--client-exec", command);

        CommandKit.AssertOneLineError(result, $"tinyagent-harness: client 'exec' (`{command}`) {what}");
        Assert.That(result.Err, Does.Contain(stderr));
        Assert.That(result.Err, Does.EndWith(" on its first run (the control on text-short, no fault); the exec contract expects a program that POSTs to $ANTHROPIC_BASE_URL/v1/messages and prints the answer's text on stdout (exit 0 when complete) or writes HARNESS_RESULT_FILE (docs/exec.md)\n"));
        Assert.That(result.Out, Does.Not.Contain("runs in"));
        Assert.That(File.Exists(folder.File("reports/report.json")), Is.False, "nothing ran");
    }

    [Test]
    public async Task A_client_whose_working_directory_does_not_exist_cannot_start_and_stops_the_run()
    {
        using var folder = new TempFolder();
        AnywhereKit.CopyRecordings(folder.Path, "tool-use");
        File.WriteAllText(folder.File("harness.json"), """
            { "recordings": ["*.sse"], "scenarios": [{ "name": "split", "faults": [{ "kind": "split" }] }],
              "clients": [{ "name": "my-app", "exec": "node index.mjs", "workingDirectory": "missing" }] }
            """);

        var result = await AnywhereKit.RunAsync(folder.Path, "run");

        CommandKit.AssertOneLineError(result, "tinyagent-harness: client 'my-app' (`node index.mjs`) could not start: ");
        Assert.That(result.Err, Does.Contain("(the control on tool-use, no fault)"));
    }
}
