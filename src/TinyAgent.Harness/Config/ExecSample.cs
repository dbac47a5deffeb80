using TinyAgent.Harness.Model;
using TinyAgent.Harness.Recordings;

namespace TinyAgent.Harness.Config;

/// <summary>
/// The runs an exec client gets when the config samples them. Each exec run starts a process (0.4-0.8 CPU-s for a
/// Node client, against about 5 ms for an in-process one), so a config may name, at the top and per scenario, the
/// recordings (<c>execRecordings</c>) exec clients run each scenario on; in-process clients still run every recording.
/// An exec client's control runs on the baseline's sample and on every recording one of its fault runs is judged
/// against. A scenario with an empty list is skipped by exec clients: the default suite's ungapped cuts, which merge
/// in a process's socket buffer, so no judge counts them for an exec client. <c>--recording</c> turns sampling off:
/// the recordings the user named are for every client.
/// </summary>
internal sealed class ExecSample
{
    private readonly HarnessConfig _config;

    private ExecSample(HarnessConfig config) => _config = config;

    /// <summary>The config's sample, or null when it names none (exec clients then run the whole matrix).</summary>
    public static ExecSample? Of(HarnessConfig config) =>
        config.ExecRecordings is null && config.Scenarios.All(s => s.ExecRecordings is null) ? null : new ExecSample(config);

    /// <summary>The config with no sample: exec clients run the whole matrix (what <c>--recording</c> asks for).</summary>
    public static HarnessConfig Off(HarnessConfig config) =>
        config with { ExecRecordings = null, Scenarios = [.. config.Scenarios.Select(s => s with { ExecRecordings = null })] };

    /// <summary>Whether an exec client runs <paramref name="scenario"/> (which applies to it) on <paramref name="recording"/>.</summary>
    public bool Runs(ScenarioConfig scenario, Recording recording)
    {
        if (scenario.Name != ScenarioConfig.ControlName)
        {
            return SampleOf(scenario) is not { } sample || recording.MatchesAny(sample);
        }

        var own = _config.Scenarios.FirstOrDefault(s => s.Name == ScenarioConfig.ControlName) ?? scenario;
        return SampleOf(own) is not { } controls || recording.MatchesAny(controls)
            || _config.Scenarios.Any(s => s.Name != ScenarioConfig.ControlName && s.AppliesTo(recording) && Runs(s, recording));
    }

    /// <summary>
    /// Every name in a sample matches a recording the scenario runs on, and every scenario keeps at least one exec
    /// run in each format it has recordings in: a sample never silently drops a fault from an exec client's suite.
    /// </summary>
    public void Validate(IReadOnlyList<Recording> recordings)
    {
        var top = _config.ExecRecordings ?? [];
        for (int i = 0; i < top.Count; i++)
        {
            if (!recordings.Any(r => r.MatchesAny([top[i]])))
            {
                throw new HarnessInputException(_config.File, $"execRecordings[{i}]: '{top[i]}' matches none of the suite's recordings");
            }
        }

        for (int k = 0; k < _config.Scenarios.Count; k++)
        {
            var scenario = _config.Scenarios[k];
            var applies = recordings.Where(scenario.AppliesTo).ToList();
            var own = scenario.ExecRecordings ?? [];
            for (int j = 0; j < own.Count; j++)
            {
                if (!applies.Any(r => r.MatchesAny([own[j]])))
                {
                    throw new HarnessInputException(_config.File, $"scenarios[{k}].execRecordings[{j}]: '{own[j]}' matches none of the recordings scenario '{scenario.Name}' runs on");
                }
            }

            if (scenario.ExecRecordings is { Count: 0 })
            {
                continue; // skipped by exec clients on purpose
            }

            foreach (var format in applies.GroupBy(r => r.Format.Name))
            {
                if (!format.Any(r => Runs(scenario, r)))
                {
                    throw new HarnessInputException(_config.File,
                        $"scenarios[{k}]: execRecordings names none of the {format.Key} recordings scenario '{scenario.Name}' runs on " +
                        $"({string.Join(", ", format.Select(r => r.Name))}), so exec clients would never face it; give the scenario its own execRecordings");
                }
            }
        }
    }

    /// <summary>The scenarios exec clients skip (an empty <c>execRecordings</c>).</summary>
    public IReadOnlyList<string> Skipped => [.. _config.Scenarios.Where(s => s.ExecRecordings is { Count: 0 }).Select(s => s.Name)];

    private IReadOnlyList<string>? SampleOf(ScenarioConfig scenario) => scenario.ExecRecordings ?? _config.ExecRecordings;
}
