using TinyAgent.Harness.Config;
using TinyAgent.Harness.Recordings;

namespace TinyAgent.Harness.Cli;

/// <summary>The config and recordings a suite runs on, loaded and validated in one place for <c>run</c> and <c>validate</c>.</summary>
internal sealed record SuiteInputs(HarnessConfig Config, IReadOnlyList<Recording> Recordings)
{
    public const string DefaultConfig = "harness.json";

    /// <param name="recordingOverrides">Paths or globs from <c>--recording</c>, relative to the working directory; replace the config's.</param>
    public static SuiteInputs Load(CliContext context, string? configPath, IReadOnlyList<string> recordingOverrides)
    {
        string path = context.Resolve(configPath ?? DefaultConfig);
        var config = ConfigLoader.Load(path);
        var recordings = new List<Recording>();
        if (recordingOverrides.Count > 0)
        {
            foreach (string pattern in recordingOverrides)
            {
                recordings.AddRange(LoadPattern(pattern, context.WorkingDirectory, root: null, "--recording: "));
            }
        }
        else
        {
            for (int i = 0; i < config.Recordings.Count; i++)
            {
                recordings.AddRange(LoadPattern(config.Recordings[i], config.BaseDirectory, root: config.BaseDirectory, $"{config.File}: recordings[{i}]: "));
            }
        }

        var duplicate = recordings.GroupBy(r => r.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ConfigException($"recording name '{duplicate.Key}' is used by {string.Join(" and ", duplicate.Select(r => r.Path))}; names must be unique");
        }

        foreach (var (scenario, i) in config.Scenarios.Select((s, i) => (s, i)))
        {
            if (scenario.Recordings is not null && !recordings.Any(r => Runner.RunSpec.Matches(scenario.Recordings, r)))
            {
                throw new ConfigException($"{config.File}: scenarios[{i}].recordings: matches none of the suite's recordings");
            }
        }

        return new SuiteInputs(config, recordings);
    }

    private static IReadOnlyList<Recording> LoadPattern(string pattern, string baseDirectory, string? root, string where)
    {
        try
        {
            // Config globs must stay inside the config's folder; a path given on the command line is the user's explicit choice.
            return pattern.Contains('*') || pattern.Contains('?')
                ? RecordingLoader.LoadGlob(pattern, baseDirectory)
                : [RecordingLoader.Load(root is null ? Path.GetFullPath(Path.Combine(baseDirectory, pattern)) : pattern, root)];
        }
        catch (RecordingException ex)
        {
            throw new ConfigException(where + ex.Message);
        }
    }
}
