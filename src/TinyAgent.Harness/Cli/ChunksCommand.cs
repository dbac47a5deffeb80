using System.CommandLine;
using TinyAgent.Harness.Config;
using TinyAgent.Harness.Formats;
using TinyAgent.Harness.Model;
using TinyAgent.Harness.Plan;
using TinyAgent.Harness.Plan.Faults;
using TinyAgent.Harness.Recordings;
using TinyAgent.Harness.Reports;

namespace TinyAgent.Harness.Cli;

/// <summary>
/// <c>chunks</c>: how a stream is cut. For a recording, the plan's chunks under a chunking spec (no network);
/// for <c>--url</c>, the reads of a live stream. Exit 0; 1 when a live stream is not 2xx or breaks; 2 bad input.
/// </summary>
internal static class ChunksCommand
{
    private static readonly Argument<string?> RecordingPath = new("recording") { Description = "A .sse recording (a path, a name in ./recordings, or a bundled recording's name).", Arity = ArgumentArity.ZeroOrOne };
    private static readonly Option<string?> Chunking = new("--chunking") { Description = "Fault specs, ';'-separated, e.g. random:min=1,max=64 (default: recorded when the sidecar has a timeline, else per-frame)." };
    private static readonly Option<int> Seed = new("--seed") { Description = "Seed of the chunking plan (default 1).", DefaultValueFactory = _ => 1 };
    private static readonly Option<bool> Json = new("--json") { Description = "Print the same data as JSON." };
    private static readonly Option<string?> Url = new("--url") { Description = "Read a live stream: a base URL (the format's path is appended; a trailing /v1 is fine) or the full URL." };
    private static readonly Option<string> Format = new("--format") { Description = "The wire format of --url: its path, auth headers and request body (anthropic, openai-chat, ...).", DefaultValueFactory = _ => "anthropic" };
    private static readonly Option<string[]> Header = new("--header", "-H") { Description = "Extra request header NAME:VALUE for --url (repeatable).", AllowMultipleArgumentsPerToken = false };
    private static readonly Option<string?> Model = new("--model") { Description = "Model for --url (default: one the format's API knows, claude-sonnet-4-5 or gpt-4o)." };
    private static readonly Option<string> Prompt = new("--prompt") { Description = "User message for --url.", DefaultValueFactory = _ => "Count from 1 to 30, one number per line." };
    private static readonly Option<int> TimeoutSeconds = new("--timeout") { Description = "Give up reading --url after this many seconds (default 120).", DefaultValueFactory = _ => 120 };

    public static Command Create(CliContext context)
    {
        var command = new Command("chunks", "Show how a stream is cut: chunk-size histogram, percentiles and arrival timeline.")
        {
            RecordingPath, Chunking, Seed, Json, Url, Format, Header, Model, Prompt, TimeoutSeconds,
        };
        command.SetAction((parse, _) => ExecuteAsync(context, parse));
        return command;
    }

    private static async Task<int> ExecuteAsync(CliContext context, ParseResult parse)
    {
        string? path = parse.GetValue(RecordingPath);
        string? url = parse.GetValue(Url);
        if ((path is null) == (url is null))
        {
            throw new HarnessInputException("chunks", "give either a RECORDING or --url");
        }

        ChunkReport report;
        if (path is not null)
        {
            if (parse.GetValue(Header) is { Length: > 0 })
            {
                throw new HarnessInputException("--header", "only with --url");
            }

            var recording = LoadRecording(context, path);
            var faults = Faults(parse.GetValue(Chunking), recording);
            report = ChunkReport.OfPlan(path, FaultPlanner.Plan(recording, faults, attempt: 1, parse.GetValue(Seed)));
        }
        else
        {
            if (parse.GetValue(Chunking) is not null)
            {
                throw new HarnessInputException("--chunking", "only with a RECORDING (a live stream is cut by the network)");
            }

            string formatName = parse.GetValue(Format)!;
            var format = WireFormats.Find(formatName)
                ?? throw new HarnessInputException("--format", $"unknown format '{formatName}' (known: {string.Join(", ", WireFormats.Names)})");
            var target = StreamProbe.EndpointUrl(url!, format);
            int seconds = parse.GetValue(TimeoutSeconds);
            if (seconds < 1)
            {
                throw new HarnessInputException("--timeout", $"must be at least 1 second, not {seconds}");
            }

            string key = Environment.GetEnvironmentVariable(format.Sdk.ApiKeyVariable) is { Length: > 0 } k ? k : "sk-dummy-key";
            var probe = format.Probe(key, parse.GetValue(Model), parse.GetValue(Prompt)!);
            var headers = new List<KeyValuePair<string, string>>(probe.Headers);
            headers.AddRange((parse.GetValue(Header) ?? []).Select(ParseHeader));
            var probed = await StreamProbe.ReadAsync(target, headers, probe.Body, context.Time, TimeSpan.FromSeconds(seconds), context.Interrupt).ConfigureAwait(false);
            report = ChunkReport.Of(target.ToString(), "received", probed.Status, probed.Ending, [], probed.Reads);
        }

        if (parse.GetValue(Json))
        {
            context.Out.WriteLine(report.ToJson());
        }
        else
        {
            report.WriteText(context.Out);
        }

        bool ok = url is null || (report.Status is >= 200 and < 300 && report.Ending == "complete");
        return ok ? ExitCodes.Ok : ExitCodes.ExpectationFailed;
    }

    private static Recording LoadRecording(CliContext context, string path)
    {
        string full = context.Resolve(path);
        if (!File.Exists(full) && !path.Contains('/') && !path.Contains('\\'))
        {
            string named = context.Resolve(Path.Combine("recordings", path.EndsWith(RecordingLoader.Extension, StringComparison.Ordinal) ? path : path + RecordingLoader.Extension));
            full = File.Exists(named) ? named : full;
        }

        // A bundled recording's name works anywhere: the default suite is embedded in the harness.
        if (!File.Exists(full) && EmbeddedSuite.Find(path) is { } bundled)
        {
            return bundled;
        }

        try
        {
            return RecordingLoader.Load(full);
        }
        catch (HarnessInputException ex)
        {
            throw new HarnessInputException(ex.Where?.Replace(full, path, StringComparison.Ordinal), ex.What, ex);
        }
    }

    private static List<IFault> Faults(string? spec, Recording recording)
    {
        if (spec is null)
        {
            return [recording.Meta.Timeline is { Count: > 0 } ? new RecordedChunkingFault(new RecordedChunkingOptions()) : new PerFrameChunkingFault(new PerFrameChunkingOptions())];
        }

        var parts = FaultSpec.SplitList(spec, ';');
        return parts.Count == 0
            ? throw new HarnessInputException("--chunking", "empty spec")
            : [.. parts.Select(p => FaultRegistry.Parse(p, "--chunking"))];
    }

    private static KeyValuePair<string, string> ParseHeader(string header)
    {
        int colon = header.IndexOf(':', StringComparison.Ordinal);
        return colon <= 0
            ? throw new HarnessInputException("--header", $"'{header}' is not NAME:VALUE")
            : new(header[..colon].Trim(), header[(colon + 1)..].Trim());
    }
}
