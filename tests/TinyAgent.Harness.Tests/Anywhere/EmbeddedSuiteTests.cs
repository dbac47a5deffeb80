using System.Text.Json.Nodes;
using TinyAgent.Harness.Tests.Commands;
using TinyAgent.Harness.Tests.Recordings;
using TinyAgent.Harness.Tests.Reliability;

namespace TinyAgent.Harness.Tests.Anywhere;

/// <summary>
/// The default suite is embedded in the harness: run, serve, validate, chunks and init work in an empty folder outside the
/// repository; an explicit --config or a harness.json in the folder still wins; --recording takes any file or glob.
/// </summary>
internal sealed class EmbeddedSuiteTests
{
    // The repository's own suite, counted rather than written down: adding a recording or a scenario must not break these.
    private static readonly int Recordings = Directory.EnumerateFiles(RepoPaths.RecordingsFolder, "*.sse", SearchOption.AllDirectories).Count();

    private static readonly int Scenarios = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.RepoRoot, "harness.json")))!["scenarios"]!.AsArray().Count;

    private static readonly string EmbeddedLine = $"tinyagent-harness: no harness.json here; using the embedded default suite ({Recordings} recordings)\n";

    private static readonly int Clients = JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.RepoRoot, "harness.json")))!["clients"]!.AsArray().Count;

    private static readonly string Valid = $"valid: {Scenarios} scenarios, {Clients} clients, {Recordings} recordings";

    [Test]
    public void The_embedded_suite_is_the_repositorys_harness_json_schema_and_recordings_byte_for_byte()
    {
        var repoFiles = new[] { "harness.json", "harness.schema.json" }
            .Concat(Directory.EnumerateFiles(RepoPaths.RecordingsFolder, "*", SearchOption.AllDirectories)
                .Where(f => f.EndsWith(".sse", StringComparison.Ordinal) || f.EndsWith(".meta.json", StringComparison.Ordinal))
                .Select(f => "recordings/" + Path.GetRelativePath(RepoPaths.RecordingsFolder, f).Replace('\\', '/')))
            .Order(StringComparer.Ordinal).ToList();

        Assert.That(Config.EmbeddedSuite.Files, Is.EqualTo(repoFiles));
        foreach (string file in repoFiles)
        {
            Assert.That(Config.EmbeddedSuite.Read(file), Is.EqualTo(File.ReadAllBytes(Path.Combine(RepoPaths.RepoRoot, file))), file);
        }
    }

    [Test]
    public async Task Run_in_an_empty_folder_says_it_uses_the_embedded_suite_and_writes_reports_there()
    {
        using var empty = new TempFolder();
        var (exit, output, err) = await AnywhereKit.RunAsync(empty.Path, "run", "--client", "tinyagent", "--client", "naive-split", "--scenario", "split-protocol", "-r", "text-short", "-r", "tool-use");

        Assert.That(exit, Is.EqualTo(0), output + err);
        Assert.That(output, Does.StartWith(EmbeddedLine));
        Assert.That(output, Does.Contain("(! = not what the embedded suite expects)"));
        var report = AnywhereKit.Report(empty.File("reports/report.json"));
        Assert.That(report["config"]!.GetValue<string>(), Is.EqualTo("the embedded suite"));
        Assert.That(AnywhereKit.Verdict(report, "naive-split", "split-packet"), Is.EqualTo("not-handled"));
        Assert.That(report["runs"]!.AsArray().Select(r => r!["recording"]!.GetValue<string>()).Distinct().Order(), Is.EqualTo(new[] { "text-short", "tool-use" }));
    }

    [Test]
    public async Task Validate_in_an_empty_folder_checks_the_embedded_suite_and_names_it()
    {
        using var empty = new TempFolder();
        var (exit, output, _) = await AnywhereKit.RunAsync(empty.Path, "validate");

        Assert.That(exit, Is.EqualTo(0));
        Assert.That(output, Does.StartWith(EmbeddedLine));
        Assert.That(output, Does.Contain("ok  text-short:"));
        Assert.That(output, Does.EndWith($"the embedded suite: {Valid}\n"));
    }

    [Test]
    public async Task A_harness_json_in_the_folder_and_an_explicit_config_both_win_over_the_embedded_suite()
    {
        using var folder = new TempFolder();
        AnywhereKit.CopyRecordings(folder.Path, "text-short");
        string own = """{"recordings": ["text-short.sse"], "scenarios": [{"name": "split", "faults": [{"kind": "split"}]}], "clients": [{"name": "tinyagent"}]}""";
        File.WriteAllText(folder.File("harness.json"), own);
        File.WriteAllText(folder.File("mine.json"), own.Replace("tinyagent", "naive-split", StringComparison.Ordinal));

        var here = await AnywhereKit.RunAsync(folder.Path, "validate");
        var explicitConfig = await AnywhereKit.RunAsync(folder.Path, "validate", "--config", "mine.json");

        Assert.That(here.Out, Does.Not.Contain("embedded"));
        Assert.That(here.Out, Does.EndWith("harness.json: valid: 1 scenarios, 1 clients, 1 recordings\n"));
        Assert.That(explicitConfig.Out, Does.EndWith("mine.json: valid: 1 scenarios, 1 clients, 1 recordings\n"));
    }

    [Test]
    public async Task Serve_in_an_empty_folder_streams_a_bundled_recording()
    {
        using var empty = new TempFolder();
        var (exit, output, _, interrupt) = CommandKit.Start(empty.Path, "serve", "--scenario", "baseline", "--recording", "text-short");
        string listening = await output.WaitForLineAsync(l => l.StartsWith("serve: listening on", StringComparison.Ordinal));
        using var http = CommandKit.Client();
        var (status, body) = await CommandKit.ReadAllAsync(http, CommandKit.UrlIn(listening));
        await interrupt.CancelAsync();

        Assert.That(await exit, Is.EqualTo(0));
        Assert.That(output.Lines[0] + "\n", Is.EqualTo(EmbeddedLine));
        Assert.That(status, Is.EqualTo(200));
        Assert.That(body, Is.EqualTo(File.ReadAllBytes(Path.Combine(RepoPaths.RecordingsFolder, "text-short.sse"))));
        interrupt.Dispose();
    }

    [Test]
    public async Task Chunks_takes_a_bundled_recordings_name_in_any_folder()
    {
        using var empty = new TempFolder();
        var (exit, output, err) = await AnywhereKit.RunAsync(empty.Path, "chunks", "realistic-timing");

        Assert.That(exit, Is.EqualTo(0), err);
        Assert.That(output, Does.StartWith("realistic-timing: planned, status 200, 5575 bytes in 45 chunks"));
    }

    [Test]
    public async Task Init_writes_the_suite_into_a_folder_that_then_validates_as_its_own()
    {
        using var empty = new TempFolder();
        var (exit, output, err) = await AnywhereKit.RunAsync(empty.Path, "init", "suite");

        Assert.That(exit, Is.EqualTo(0), err);
        Assert.That(output, Does.StartWith($"init: wrote harness.json, harness.schema.json and {Recordings} recordings"));
        var written = JsonNode.Parse(File.ReadAllText(empty.File("suite/harness.json")))!;
        Assert.That(written["$schema"]!.GetValue<string>(), Is.EqualTo("./harness.schema.json"));
        Assert.That(File.ReadAllBytes(empty.File("suite/harness.schema.json")), Is.EqualTo(File.ReadAllBytes(Path.Combine(RepoPaths.RepoRoot, "harness.schema.json"))));
        Assert.That(Directory.GetFiles(empty.File("suite/recordings"), "*.sse", SearchOption.AllDirectories), Has.Length.EqualTo(Recordings));

        var validate = await AnywhereKit.RunAsync(empty.File("suite"), "validate");
        Assert.That(validate.Exit, Is.EqualTo(0), validate.Err);
        Assert.That(validate.Out, Does.Not.Contain("embedded"));
        Assert.That(validate.Out, Does.EndWith($"harness.json: {Valid}\n"));
    }

    [Test]
    public async Task Init_refuses_to_overwrite_an_existing_file_unless_forced()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("harness.json"), "{ \"mine\": true }");

        var refused = await AnywhereKit.RunAsync(folder.Path, "init");
        CommandKit.AssertOneLineError(refused, "init: ./harness.json already exist");
        Assert.That(refused.Err, Does.EndWith("pass --force to overwrite\n"));
        Assert.That(File.ReadAllText(folder.File("harness.json")), Is.EqualTo("{ \"mine\": true }"));
        Assert.That(Directory.Exists(folder.File("recordings")), Is.False, "a refusal writes nothing");

        var forced = await AnywhereKit.RunAsync(folder.Path, "init", "--force");
        Assert.That(forced.Exit, Is.EqualTo(0), forced.Err);
        Assert.That(File.ReadAllText(folder.File("harness.json")), Does.Contain("\"$schema\": \"./harness.schema.json\""));
    }

    [Test]
    public async Task The_built_harness_as_a_child_process_validates_the_embedded_suite_in_an_empty_folder()
    {
        using var empty = new TempFolder();
        using var harness = HarnessProcess.Start(empty.Path, ["validate"], l => l.Contains("valid:", StringComparison.Ordinal));
        await harness.Process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));

        Assert.That(harness.Process.ExitCode, Is.EqualTo(0), harness.Log);
        Assert.That(harness.Log, Does.StartWith(EmbeddedLine.TrimEnd('\n')));
        Assert.That(await harness.AwaitedLine, Is.EqualTo($"the embedded suite: {Valid}"));
    }

    [Test]
    public async Task Recording_takes_a_quoted_absolute_glob_outside_the_config_folder_and_skips_scenarios_made_for_other_recordings()
    {
        using var data = new TempFolder();
        using var work = new TempFolder();
        AnywhereKit.CopyRecordings(data.File("streams"), "multi-tool", "tool-use");
        string glob = data.File("streams") + "/*.sse";

        var (exit, output, err) = await AnywhereKit.RunAsync(work.Path, "run", "--client", "tinyagent", "--client", "naive-split", "-r", glob,
            "--scenario", "split-protocol", "--scenario", "stall-pings");

        Assert.That(exit, Is.EqualTo(0), output + err);
        Assert.That(err, Is.Empty);
        Assert.That(output, Does.Contain("note: skipped scenario stall-pings: restricted to recordings that --recording did not select\n"));
        var report = AnywhereKit.Report(work.File("reports/report.json"));
        var runs = report["runs"]!.AsArray().Select(r => r!.AsObject()).ToList();
        Assert.That(runs.Select(r => r["recording"]!.GetValue<string>()).Distinct().Order(), Is.EqualTo(new[] { "multi-tool", "tool-use" }));
        Assert.That(runs.Select(r => r["scenario"]!.GetValue<string>()).Distinct().Order(), Is.EqualTo(new[] { "baseline", "split-protocol" }));
    }

    [Test]
    public async Task A_relative_recording_resolves_against_the_working_directory_not_the_config_folder()
    {
        using var suite = new TempFolder();
        using var work = new TempFolder();
        AnywhereKit.CopyRecordings(suite.Path, "text-short");
        AnywhereKit.CopyRecordings(work.File("streams"), "tool-use");
        File.WriteAllText(suite.File("harness.json"), """{"recordings": ["*.sse"], "scenarios": [{"name": "split", "faults": [{"kind": "split"}]}], "clients": [{"name": "tinyagent"}]}""");

        var (exit, output, err) = await AnywhereKit.RunAsync(work.Path, "run", "--config", suite.File("harness.json"), "-r", "streams/tool-use.sse", "--out", "out");

        Assert.That(exit, Is.EqualTo(0), output + err);
        var report = AnywhereKit.Report(work.File("out/report.json"));
        Assert.That(report["runs"]!.AsArray().Select(r => r!["recording"]!.GetValue<string>()).Distinct(), Is.EqualTo(new[] { "tool-use" }));
        Assert.That(output, Does.Contain("(! = not what harness.json expects)"));
    }

    [Test]
    public async Task A_recording_glob_that_matches_nothing_is_one_line_naming_what_was_typed()
    {
        using var work = new TempFolder();
        string glob = work.File("nothing") + "/*.sse";
        Directory.CreateDirectory(work.File("nothing"));

        var result = await AnywhereKit.RunAsync(work.Path, "run", "-r", glob);

        CommandKit.AssertOneLineError(result, $"--recording: {glob}: matches no .sse files");
        Assert.That(result.Err, Does.EndWith("\n"));
    }

    private const string Narrowable = """
        {
          "recordings": ["*.sse"],
          "timeouts": { "idleMs": 400, "deadlineMs": 6000 },
          "scenarios": [{ "name": "split", "faults": [{ "kind": "split" }] }, { "name": "error-event", "faults": [{ "kind": "error-event", "afterEvents": 3 }] }],
          "clients": [{ "name": "tinyagent" }, { "name": "naive-split" }],
          "expectations": {
            "tinyagent": { "split-packet": "handled", "silent-truncation": "handled", "stall": "handled" },
            "naive-split": { "split-packet": "not-handled" }
          }
        }
        """;

    [Test]
    public async Task A_full_run_fails_on_an_expectation_no_run_exercises()
    {
        using var suite = new TempFolder();
        AnywhereKit.CopyRecordings(suite.Path, "text-short");
        File.WriteAllText(suite.File("my-suite.json"), Narrowable);

        var (exit, output, _) = await AnywhereKit.RunAsync(suite.Path, "run", "--config", "my-suite.json");

        Assert.That(exit, Is.EqualTo(1), output);
        Assert.That(output, Does.Contain("FAILED tinyagent / stall: expected handled, got not-exercised"));
        Assert.That(output, Does.Contain("(! = not what my-suite.json expects)"));
    }

    [TestCase("--scenario", "split")]
    [TestCase("--client", "tinyagent")]
    [TestCase("--recording", "text-short.sse")]
    public async Task A_narrowed_run_reports_unexercised_expectations_in_a_note_and_does_not_fail_on_them(string option, string value)
    {
        using var suite = new TempFolder();
        AnywhereKit.CopyRecordings(suite.Path, "text-short");
        File.WriteAllText(suite.File("harness.json"), Narrowable);

        var (exit, output, _) = await AnywhereKit.RunAsync(suite.Path, "run", option, value);

        Assert.That(exit, Is.EqualTo(0), output);
        Assert.That(output, Does.Not.Contain("FAILED"));
        var report = AnywhereKit.Report(suite.File("reports/report.json"));
        var note = report["notes"]!.AsArray().Single()!.GetValue<string>();
        Assert.That(output, Does.Contain("note: " + note + "\n"));
        Assert.That(note, Does.Contain("not exercised by this narrowed run, so not failed (a full run checks them): "));
        Assert.That(note, Does.Contain("tinyagent / stall"));
        Assert.That(AnywhereKit.Verdict(report, "tinyagent", "stall"), Is.EqualTo("not-exercised"));
    }
}
