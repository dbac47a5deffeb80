using Microsoft.Extensions.FileSystemGlobbing;
using TinyAgent.Harness.Config;
using TinyAgent.Harness.Model;
using TinyAgent.Harness.Recordings;

namespace TinyAgent.Harness.Cli;

/// <summary>The config and recordings a suite runs on, loaded and validated in one place for <c>run</c>, <c>serve</c> and <c>validate</c>.</summary>
/// <param name="Skipped">Scenarios left out because they are restricted to recordings that --recording did not select.</param>
internal sealed record SuiteInputs(HarnessConfig Config, IReadOnlyList<Recording> Recordings, IReadOnlyList<string> Skipped)
{
    /// <summary>The recordings an exec client in <paramref name="format"/> runs on (its controls): the config's sample, or all.</summary>
    public IReadOnlyList<Recording> ExecRecordings(string format)
    {
        var sample = ExecSample.Of(Config);
        return [.. Recordings.Where(r => r.Format.Name == format && (sample is null || sample.Runs(ScenarioConfig.Control, r)))];
    }

    public const string DefaultConfig = "harness.json";

    /// <summary>
    /// An explicit <paramref name="configPath"/> wins, then <c>harness.json</c> in the working directory, then the suite
    /// embedded in the harness (said in one line on the console, so nobody mistakes it for their own file).
    /// </summary>
    /// <param name="recordingOverrides">Files or globs from <c>--recording</c>, anywhere, relative to the working directory; replace the config's (and its <c>execRecordings</c>).</param>
    public static SuiteInputs Load(CliContext context, string? configPath, IReadOnlyList<string> recordingOverrides)
    {
        string path = context.Resolve(configPath ?? DefaultConfig);
        HarnessConfig config;
        if (configPath is null && !File.Exists(path))
        {
            config = EmbeddedSuite.LoadConfig(context.WorkingDirectory);
            context.Out.WriteLine($"tinyagent-harness: no {DefaultConfig} here; using the embedded default suite ({EmbeddedSuite.RecordingFiles.Count} recordings)");
        }
        else
        {
            config = ConfigLoader.Load(path);
        }

        var recordings = new List<Recording>();
        if (recordingOverrides.Count > 0)
        {
            foreach (string pattern in recordingOverrides)
            {
                recordings.AddRange(LoadOverride(context, config, pattern));
            }
        }
        else
        {
            for (int i = 0; i < config.Recordings.Count; i++)
            {
                recordings.AddRange(LoadConfigPattern(config, config.Recordings[i], $"{config.File}: recordings[{i}]"));
            }
        }

        var duplicate = recordings.GroupBy(r => r.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new HarnessInputException(null, $"recording name '{duplicate.Key}' is used by {string.Join(" and ", duplicate.Select(r => r.Path))}; names must be unique");
        }

        var skipped = new List<string>();
        foreach (var (scenario, i) in config.Scenarios.Select((s, i) => (s, i)))
        {
            if (scenario.Recordings is not null && !recordings.Any(scenario.AppliesTo))
            {
                // The user chose the recordings: a scenario made for others is simply not part of this run.
                skipped.Add(recordingOverrides.Count > 0
                    ? scenario.Name
                    : throw new HarnessInputException(config.File, $"scenarios[{i}].recordings: matches none of the suite's recordings"));
            }
        }

        if (recordingOverrides.Count > 0)
        {
            // The recordings the user named are for every client.
            config = ExecSample.Off(config);
        }
        else
        {
            ExecSample.Of(config)?.Validate(recordings);
        }

        config = config with { Scenarios = [.. config.Scenarios.Where(s => !skipped.Contains(s.Name))] };
        return new SuiteInputs(config, recordings, skipped);
    }

    /// <summary>A config glob: relative to the config's folder and never outside it (the embedded suite's come from the assembly).</summary>
    private static IReadOnlyList<Recording> LoadConfigPattern(HarnessConfig config, string pattern, string where)
    {
        try
        {
            if (config.Embedded)
            {
                var embedded = EmbeddedSuite.LoadGlob(pattern);
                return embedded.Count > 0 ? embedded : throw new HarnessInputException(pattern, "matches no embedded recording");
            }

            return pattern.Contains('*') || pattern.Contains('?')
                ? RecordingLoader.LoadGlob(pattern, config.BaseDirectory)
                : [RecordingLoader.Load(pattern, config.BaseDirectory)];
        }
        catch (HarnessInputException ex)
        {
            throw ex.Within(where);
        }
    }

    /// <summary>
    /// A <c>--recording</c> value: the user's explicit choice, so any file or glob, absolute or relative to the working
    /// directory (not the config's folder). A glob runs from the folder before its first wildcard segment. With the
    /// embedded suite, a name that is not on disk may name an embedded recording.
    /// </summary>
    private static IReadOnlyList<Recording> LoadOverride(CliContext context, HarnessConfig config, string pattern)
    {
        try
        {
            if (!pattern.Contains('*') && !pattern.Contains('?'))
            {
                string full = context.Resolve(pattern);
                return !File.Exists(full) && config.Embedded && EmbeddedSuite.Find(pattern) is { } bundled
                    ? [bundled]
                    : [RecordingLoader.Load(full)];
            }

            string[] segments = pattern.Replace('\\', '/').Split('/');
            int first = Array.FindIndex(segments, s => s.Contains('*') || s.Contains('?'));
            string folderPart = string.Join('/', segments[..first]);
            string rest = string.Join('/', segments[first..]);
            string folder = context.Resolve(folderPart.Length == 0 ? (pattern.StartsWith('/') ? "/" : ".") : folderPart);
            if (config.Embedded && (!Directory.Exists(folder) || !HasMatch(rest, folder)) && EmbeddedSuite.LoadGlob(pattern) is { Count: > 0 } bundledMatches)
            {
                return bundledMatches;
            }

            try
            {
                return RecordingLoader.LoadGlob(rest, folder);
            }
            catch (HarnessInputException ex) when (ex.Where == rest)
            {
                throw new HarnessInputException(pattern, ex.What);
            }
        }
        catch (HarnessInputException ex)
        {
            throw ex.Within("--recording");
        }
    }

    private static bool HasMatch(string glob, string folder)
    {
        var matcher = new Matcher(StringComparison.Ordinal);
        matcher.AddInclude(glob);
        return matcher.GetResultsInFullPath(folder).Any(f => f.EndsWith(RecordingLoader.Extension, StringComparison.OrdinalIgnoreCase));
    }
}
