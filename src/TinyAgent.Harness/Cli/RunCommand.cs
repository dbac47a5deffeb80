using System.CommandLine;
using TinyAgent.Harness.Config;
using TinyAgent.Harness.Model;
using TinyAgent.Harness.Observation;
using TinyAgent.Harness.Reports;

namespace TinyAgent.Harness.Cli;

/// <summary><c>run</c>: the resilience suite. Exit 0 every expectation met, 1 one failed, 2 bad input, 130 interrupted.</summary>
internal static class RunCommand
{
    public static readonly Option<string?> ConfigOption = new("--config", "-c") { Description = "The suite file (default: harness.json in the working directory)." };
    public static readonly Option<string[]> ClientOption = new("--client") { Description = "Run only these clients (repeatable).", AllowMultipleArgumentsPerToken = false };
    public static readonly Option<string[]> ClientExecOption = new("--client-exec") { Description = "Also judge this command line under the exec contract (repeatable)." };
    public static readonly Option<string> ClientFormatOption = new("--client-format")
    {
        Description = "The wire format the --client-exec commands speak: anthropic (default), openai-chat or openai-responses.",
        DefaultValueFactory = _ => "anthropic",
    };

    public static readonly Option<string[]> RecordingOption = new("--recording", "-r") { Description = "Run on these .sse files or globs instead of the config's (repeatable)." };
    public static readonly Option<string[]> ScenarioOption = new("--scenario", "-s") { Description = "Run only these scenarios (repeatable)." };
    public static readonly Option<int?> SeedOption = new("--seed")
    {
        Description = "Seed for every random choice (default: the config's).",
        CustomParser = ParseSeed,
    };
    public static readonly Option<string?> OutOption = new("--out", "-o") { Description = "Folder for the reports (default: the config's reports.out)." };
    public static readonly Option<string?> ShardOption = new("--shard") { Description = "Run shard K of N of the matrix, e.g. 2/4; combine the reports with merge." };

    public static Command Create(CliContext context)
    {
        var command = new Command("run", "Run the resilience suite: every client against every scenario and recording; write reports.")
        {
            ConfigOption, ClientOption, ClientExecOption, ClientFormatOption, RecordingOption, ScenarioOption, SeedOption, OutOption, ShardOption,
        };
        command.SetAction((parse, _) => ExecuteAsync(context, parse));
        return command;
    }

    private static async Task<int> ExecuteAsync(CliContext context, ParseResult parse)
    {
        var recordingOverrides = parse.GetValue(RecordingOption) ?? [];
        var inputs = SuiteInputs.Load(context, parse.GetValue(ConfigOption), recordingOverrides);
        var config = inputs.Config;
        ShardSpec? shard = parse.GetValue(ShardOption) is { } s ? ShardSpec.Parse(s) : null;
        int seed = parse.GetValue(SeedOption) ?? config.Seed;

        var clients = config.Clients.ToList();
        var only = parse.GetValue(ClientOption) ?? [];
        foreach (string name in only.Where(n => clients.All(c => c.Name != n)))
        {
            throw new HarnessInputException("--client", $"unknown client '{name}' (known: {string.Join(", ", clients.Select(c => c.Name))})");
        }

        if (only.Length > 0)
        {
            clients = [.. clients.Where(c => only.Contains(c.Name))];
        }

        var execs = parse.GetValue(ClientExecOption) ?? [];
        string execFormat = parse.GetValue(ClientFormatOption) ?? "anthropic";
        if (Formats.WireFormats.Find(execFormat) is null)
        {
            throw new HarnessInputException("--client-format", $"unknown format '{execFormat}' (known: {string.Join(", ", Formats.WireFormats.Names)})");
        }

        for (int i = 0; i < execs.Length; i++)
        {
            // Run ids and report rows are keyed by client name, so a config client of the same name would merge with this one.
            string name = execs.Length == 1 ? "exec" : $"exec-{i + 1}";
            if (config.Clients.Any(c => c.Name == name))
            {
                throw new HarnessInputException("--client-exec", $"names its client '{name}', which {config.Shown} already uses for a client; rename that client");
            }

            clients.Add(new ClientConfig(name, execs[i], null, execFormat));
        }

        var scenarioNames = parse.GetValue(ScenarioOption) ?? [];
        foreach (string name in scenarioNames.Where(n => config.Scenarios.All(sc => sc.Name != n) && !inputs.Skipped.Contains(n)))
        {
            throw new HarnessInputException("--scenario", $"unknown scenario '{name}' (known: {string.Join(", ", config.Scenarios.Select(sc => sc.Name).Concat(inputs.Skipped))})");
        }

        var skipped = inputs.Skipped.Where(n => scenarioNames.Length == 0 || scenarioNames.Contains(n)).ToList();
        if (skipped.Count > 0)
        {
            context.Out.WriteLine($"note: skipped scenario{(skipped.Count == 1 ? "" : "s")} {string.Join(", ", skipped)}: restricted to recordings that --recording did not select");
        }

        if (scenarioNames.Length > 0)
        {
            config = config with { Scenarios = [.. config.Scenarios.Where(sc => scenarioNames.Contains(sc.Name))] };
        }

        string outDir = context.Resolve(parse.GetValue(OutOption) ?? Path.Combine(config.BaseDirectory, config.OutDirectory));
        EnsureWritable(outDir);

        var execClients = clients.Where(c => c.Exec is not null).ToList();
        // With the user's exec client as the headline, the built-ins' self-check runs the same sample it gets.
        bool headline = execs.Length > 0 && only.Length == 0;
        var matrix = RunSpec.Matrix(config, inputs.Recordings, clients, seed, sampleEveryClient: headline);
        var selected = shard is { } sh ? [.. matrix.Where(r => sh.Includes(r.Position))] : matrix;
        context.Out.WriteLine($"tinyagent-harness: {selected.Count} runs ({clients.Count} clients x {config.Scenarios.Count} scenarios x {inputs.Recordings.Count} recordings{(shard is null ? "" : $", shard {shard}")}), seed {seed}, parallelism {config.Parallelism}");
        string? sampleNote = SampleNote(config, inputs.Recordings, execClients, matrix, seed, headline);
        if (sampleNote is not null)
        {
            context.Out.WriteLine($"note: {sampleNote}");
        }

        var runner = new SuiteRunner(config, context.Time, new Clients.ClientFactory(config, context.WorkingDirectory), context.Out, context.Interactive);
        await PreflightAsync(context, runner, execClients, inputs, seed).ConfigureAwait(false);
        var (runs, interrupted, wall) = await runner.RunAsync(selected, context.Interrupt).ConfigureAwait(false);

        // A narrowed run cannot fail an expectation that none of its runs exercised; a full run of the config still does.
        bool narrowed = only.Length > 0 || scenarioNames.Length > 0 || recordingOverrides.Length > 0;
        var report = ReportBuilder.Build(runs, config.Expectations, [.. clients.Select(c => c.Name)], seed, wall, interrupted, shard?.ToString(), narrowed);
        report = report with
        {
            Config = config.Shown,
            Notes = sampleNote is null ? report.Notes : [sampleNote, .. report.Notes],
            Headline = headline ? [.. clients.Where(c => c.Exec is not null && execs.Contains(c.Exec)).Select(c => c.Name)] : [],
            Clients = [.. report.Clients.Select(c => c with { Command = clients.First(x => x.Name == c.Name).Exec })],
        };

        var written = ReportWriters.WriteAll(report, outDir, config.ReportFormats);
        ConsoleSummary.Write(report, context.Out, context.Color);
        context.Out.WriteLine();
        foreach (string failure in report.ExpectationFailures)
        {
            context.Out.WriteLine($"FAILED {failure}");
        }

        context.Out.WriteLine(runner.Phases);
        context.Out.WriteLine($"{runs.Count} runs in {wall.TotalSeconds:0.0} s ({runs.Count / Math.Max(0.001, wall.TotalSeconds):0} runs/s); reports: {string.Join(", ", written.Select(Path.GetFileName))} in {outDir}");
        context.Out.WriteLine(interrupted ? "INTERRUPTED: partial report written" : report.Passed ? "PASSED: every expectation met" : "FAILED: see above");
        return interrupted ? ExitCodes.Interrupted : report.Passed ? ExitCodes.Ok : ExitCodes.ExpectationFailed;
    }

    /// <summary>
    /// Each exec client answers one control run (text-short, or the first recording it runs on) before the matrix; one that cannot
    /// start, or exits non-zero with nothing on stdout and no result file, stops the run with one line.
    /// </summary>
    private static async Task PreflightAsync(CliContext context, SuiteRunner runner, IReadOnlyList<ClientConfig> execs, SuiteInputs inputs, int seed)
    {
        foreach (var group in execs.GroupBy(c => c.Format))
        {
            var own = inputs.ExecRecordings(group.Key);
            if (own.Count == 0)
            {
                continue; // no recording in its format: the client has no runs to spoil
            }

            var probe = own.FirstOrDefault(r => r.Name is "text-short" or "chat-text" or "responses-text") ?? own[0];
            var wire = probe.Format;
            var members = group.ToList();
            var results = await runner.PreflightAsync(members, probe, seed, context.Interrupt).ConfigureAwait(false);
            for (int i = 0; i < members.Count; i++)
            {
                var (client, result) = (members[i], results[i]);
                if (Unusable(result) is { } what)
                {
                    string baseVar = wire == Formats.WireFormats.Anthropic ? "$ANTHROPIC_BASE_URL" : "$OPENAI_BASE_URL (which ends in /v1)";
                    string path = wire == Formats.WireFormats.Anthropic ? wire.Path : wire.Path["/v1".Length..];
                    throw new HarnessInputException(null, 
                        $"client '{client.Name}' (`{client.Exec}`) {what} on its first run (the control on {probe.Name}, no fault); " +
                        $"the exec contract expects a program that POSTs to {baseVar}{path} and prints the answer's text on stdout (exit 0 when complete) or writes HARNESS_RESULT_FILE (docs/exec.md)");
                }

                context.Out.WriteLine($"preflight: {client.Name} (`{client.Exec}`) answered the control on {probe.Name}: {result.Outcome.ToName()}{(result.Read is null ? "" : $", {ConsoleSummary.ReadNote(result.Read)}")}");
            }
        }
    }

    /// <summary>What a sampled run leaves out (<see cref="ExecSample"/>), so nobody takes it for the whole matrix; null when nothing is sampled.</summary>
    private static string? SampleNote(HarnessConfig config, IReadOnlyList<Recordings.Recording> recordings, IReadOnlyList<ClientConfig> execClients, IReadOnlyList<RunSpec> matrix, int seed, bool headline)
    {
        if (execClients.Count == 0 || ExecSample.Of(config) is not { } sample)
        {
            return null;
        }

        // Counted for one client of each format: an exec client's runs depend only on its format.
        var full = RunSpec.Matrix(ExecSample.Off(config), recordings, execClients, seed);
        var counts = execClients.DistinctBy(c => c.Format).Select(client =>
            $"{matrix.Count(r => r.Client == client)} runs each instead of {full.Count(r => r.Client == client)}, " +
            $"on {matrix.Where(r => r.Client == client).Select(r => r.Recording.Name).Distinct().Count()} of the {recordings.Count(r => r.Format.Name == client.Format)} {client.Format} recordings");
        return $"exec clients ran {config.Shown}'s sample of recordings (execRecordings): {string.Join("; ", counts)}" +
            (sample.Skipped.Count == 0 ? "" : $", skipping {string.Join(", ", sample.Skipped)} (an empty execRecordings)") +
            (headline ? ", and so did the built-in clients' self-check" : "") + "; --recording runs every client on the recordings you name";
    }

    /// <summary>What makes a first run no answer at all, or null when it is one (whatever its verdict).</summary>
    private static string? Unusable(Model.ClientResult result)
    {
        string stderr = (result.Stderr ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "";
        stderr = stderr.Length > 200 ? stderr[..200] + "..." : stderr;
        string said = stderr.Length == 0 ? "" : $" (stderr: {stderr})";
        return result.Outcome != Model.ClientOutcome.Crashed ? null
            : result.ExitCode is null && result.Read is null ? $"could not start: {result.Error?.Message}"
            : result.Read == Clients.ExecClient.ReadStdout ? $"exited with code {result.ExitCode} and printed nothing on stdout{said}"
            : null;
    }

    /// <summary>A one-line error for a bad seed (the default names the CLR type).</summary>
    private static int? ParseSeed(System.CommandLine.Parsing.ArgumentResult result)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (int.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out int seed))
        {
            return seed;
        }

        result.AddError($"--seed: '{text}' is not an integer from {int.MinValue} to {int.MaxValue}");
        return null;
    }

    /// <summary>Fails fast, before any run, when the report folder cannot be written.</summary>
    internal static void EnsureWritable(string directory)
    {
        try
        {
            Directory.CreateDirectory(directory);
            string probe = Path.Combine(directory, $".write-probe-{Environment.ProcessId}");
            File.WriteAllText(probe, "");
            File.Delete(probe);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // "Could not find a part of the path" hides the usual cause: a file where a folder should be.
            for (string? at = directory; at is not null; at = Path.GetDirectoryName(at))
            {
                if (File.Exists(at))
                {
                    throw new HarnessInputException("--out", $"cannot write to '{directory}': '{at}' is a file, not a folder");
                }
            }

            throw new HarnessInputException("--out", $"cannot write to '{directory}': {ex.Message.Split('\n', 2)[0].Trim()}");
        }
    }
}
