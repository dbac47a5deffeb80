using System.CommandLine;
using TinyAgent.Harness.Formats;
using TinyAgent.Harness.Model;
using TinyAgent.Harness.Plan;
using TinyAgent.Harness.Recordings;
using TinyAgent.Harness.Replay;

namespace TinyAgent.Harness.Cli;

/// <summary>
/// <c>serve</c>: the replay server for local chaos runs. Point an app at the printed base URL; every request is
/// logged with what the client did and a spec that replays its plan exactly. Ctrl+C prints a summary and exits 0.
/// </summary>
internal static class ServeCommand
{
    private static readonly Option<int> Port = new("--port", "-p") { Description = "TCP port (default 0: a free port, printed)." };
    private static readonly Option<string?> Host = new("--host") { Description = "Address to bind (default 127.0.0.1; anything else prints a warning)." };
    private static readonly Option<string?> Scenario = new("--scenario", "-s") { Description = "Scenario answering the bare paths (/v1/messages, /v1/chat/completions, ...; default: the config's first)." };
    private static readonly Option<string?> Chaos = new("--chaos") { Description = "Pick one fault per request by weight, e.g. split=3,error-event=1,drop=1,stall=1." };
    private static readonly Option<string?> Replay = new("--replay") { Description = "Serve one exact plan on its format's bare path: a serve log line, or its 'seed=... faults=...' part." };
    private static readonly Option<string?> Recording = new("--recording", "-r") { Description = "Always serve this recording (default: round-robin over the config's)." };
    private static readonly Option<int?> Seed = new("--seed") { Description = "Base seed of every per-request seed (default: the config's)." };

    public static Command Create(CliContext context)
    {
        var command = new Command("serve", "Run the replay server for a real app: logs each request's faults and what the client did.")
        {
            RunCommand.ConfigOption, Port, Host, Scenario, Chaos, Replay, Recording, Seed,
        };
        command.SetAction((parse, _) => ExecuteAsync(context, parse));
        return command;
    }

    private static async Task<int> ExecuteAsync(CliContext context, ParseResult parse)
    {
        var inputs = SuiteInputs.Load(context, parse.GetValue(RunCommand.ConfigOption), []);
        var config = inputs.Config;
        string? scenarioName = parse.GetValue(Scenario);
        string? chaosText = parse.GetValue(Chaos);
        string? replayText = parse.GetValue(Replay);
        if (new[] { scenarioName, chaosText, replayText }.Count(v => v is not null) > 1)
        {
            throw new HarnessInputException("serve", "give only one of --scenario, --chaos and --replay");
        }

        if (scenarioName is not null && config.Scenarios.All(s => s.Name != scenarioName))
        {
            throw new HarnessInputException("--scenario", $"unknown scenario '{scenarioName}' (known: {string.Join(", ", config.Scenarios.Select(s => s.Name))})");
        }

        Recording? fixedRecording = null;
        if (parse.GetValue(Recording) is { } recordingName)
        {
            fixedRecording = inputs.Recordings.FirstOrDefault(r => r.Name == recordingName)
                ?? throw new HarnessInputException("--recording", $"'{recordingName}' is not one of the config's recordings (known: {string.Join(", ", inputs.Recordings.Select(r => r.Name))})");
        }

        var chaos = chaosText is null ? null : ChaosSpec.Parse(chaosText);
        var replay = replayText is null ? null : PlanSpec.Parse(replayText, "--replay");
        int seed = parse.GetValue(Seed) ?? config.Seed;
        var source = new ServeSource(config.Scenarios, inputs.Recordings, fixedRecording, chaos, replay, seed);
        string? bare = chaos is not null ? ServeSource.Chaos : replay is not null ? ServeSource.Replay : scenarioName ?? config.Scenarios.FirstOrDefault()?.Name;

        var options = new ReplayServerOptions
        {
            Host = parse.GetValue(Host) ?? "127.0.0.1",
            Port = parse.GetValue(Port),
            DefaultScenario = bare,
            RedactHeaders = config.RedactHeaders,
            Warnings = context.Err,
        };

        var log = new ServeLog(context.Out);
        ReplayServer server;
        try
        {
            server = await ReplayServer.StartAsync(options, source, context.Time, context.Interrupt).ConfigureAwait(false);
        }
        catch (HarnessInputException ex)
        {
            throw ex.Within("serve");
        }

        await using (server.ConfigureAwait(false))
        {
            void OnCompleted(ServerEvidence evidence) => log.Request(evidence, source.Take(evidence.Scenario, evidence.Attempt));
            server.RequestCompleted += OnCompleted;
            server.RequestRejected += log.Rejected;
            WriteBanner(context.Out, server, source, bare, chaos, replay, fixedRecording, inputs.Recordings.Count, seed);
            try
            {
                await Task.Delay(Timeout.Infinite, context.Interrupt).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C is how serve is meant to end.
            }

            server.RequestCompleted -= OnCompleted;
            server.RequestRejected -= log.Rejected;
        }

        log.Summary();
        return ExitCodes.Ok;
    }

    /// <summary>
    /// The base URL, and each route's, as the variable its format's SDKs read (<c>ANTHROPIC_BASE_URL=...</c>,
    /// <c>OPENAI_BASE_URL=.../v1</c>): one line per format the route's recordings speak.
    /// </summary>
    private static void WriteBanner(TextWriter o, ReplayServer server, ServeSource source, string? bare, ChaosSpec? chaos, PlanSpec? replay, Recording? fixedRecording, int recordings, int seed)
    {
        string what = chaos is not null ? $"chaos {chaos}" : replay is not null ? $"replay {replay}" : bare is null ? "(none: use /s/{scenario})" : $"scenario {bare}";
        string baseUrl = server.BaseUrl.ToString().TrimEnd('/');
        o.WriteLine($"serve: listening on {baseUrl}");
        var bareFormats = bare is null ? [.. WireFormats.All.Where(f => source.Routes.Any(r => source.FormatsOf(r).Contains(f)))] : source.FormatsOf(bare);
        foreach (var (variable, paths) in SdkVariables(bareFormats))
        {
            o.WriteLine($"  export {variable.BaseUrlVariable}={baseUrl}{variable.BaseUrlSuffix}    # {paths}: {what}");
        }

        o.WriteLine("  per scenario (set the variable to one of these):");
        int width = source.Routes.Select(r => r.Length).DefaultIfEmpty(0).Max();
        foreach (string route in source.Routes)
        {
            foreach (var (variable, _) in SdkVariables(source.FormatsOf(route)))
            {
                o.WriteLine($"    {route.PadRight(width)}  {variable.BaseUrlVariable}={server.ScenarioUrl(route)}{variable.BaseUrlSuffix}");
            }
        }

        o.WriteLine($"  recordings: {(fixedRecording is null ? $"{recordings}, round-robin per route" : fixedRecording.Name)}; seed {seed}");
        o.WriteLine("  one line per request; replay one with: serve --replay '<the line>'. Ctrl+C stops with a summary.");
        o.Flush();
    }

    /// <summary>The base-URL variables of <paramref name="formats"/>, once each (both OpenAI formats read <c>OPENAI_BASE_URL</c>), with the paths they serve.</summary>
    internal static IEnumerable<(SdkConventions Variable, string Paths)> SdkVariables(IEnumerable<IWireFormat> formats) =>
        formats.GroupBy(f => (f.Sdk.BaseUrlVariable, f.Sdk.BaseUrlSuffix))
            .Select(g => (g.First().Sdk, string.Join(", ", g.Select(f => f.Path))));
}
