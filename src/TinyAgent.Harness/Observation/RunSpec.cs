using TinyAgent.Harness.Config;
using TinyAgent.Harness.Model;
using TinyAgent.Harness.Plan;
using TinyAgent.Harness.Recordings;

namespace TinyAgent.Harness.Observation;

/// <summary>One cell of the matrix: a client, a recording, a scenario, and the seed its faults plan from.</summary>
/// <param name="Key">URL-safe scenario key on the replay server (unique per run, so attempts are counted per run).</param>
internal sealed record RunSpec(int Position, string Id, string Key, ClientConfig Client, Recording Recording, ScenarioConfig Scenario, int Seed)
{
    /// <summary>The control run: the client on the recording with no fault, which its fault runs are judged against.</summary>
    public bool IsControl => Scenario.Name == ScenarioConfig.ControlName;

    /// <summary>The run as the pipeline takes it, under <paramref name="key"/> (the matrix's own, or a confirmation's).</summary>
    public RunRequest ToRequest(ControlRun? control, string? key = null) => new()
    {
        RunId = Id,
        Key = key ?? Key,
        Client = Client.Name,
        Recording = Recording,
        Scenario = Scenario.Name,
        Faults = Scenario.Faults,
        FaultDescriptions = Scenario.FaultDescriptions,
        Consumer = Scenario.Consumer,
        Seed = Seed,
        IsControl = IsControl,
        Control = IsControl ? null : control,
    };

    /// <summary>
    /// Builds the matrix in a stable order (scenario, recording, client), the control scenario first (the config's
    /// <c>baseline</c>, or one the runner adds) on every recording; a client runs only on recordings in its format. The seed depends on the suite seed, the recording
    /// and the scenario, not the client: every client faces the same plan. Exec clients run only their
    /// <see cref="ExecSample"/>, when the config names one.
    /// </summary>
    /// <param name="sampleEveryClient">In-process clients run the exec sample too (the self-check beside a user's exec client: the same runs it got).</param>
    public static IReadOnlyList<RunSpec> Matrix(HarnessConfig config, IReadOnlyList<Recording> recordings, IReadOnlyList<ClientConfig> clients, int seed, bool sampleEveryClient = false)
    {
        var runs = new List<RunSpec>();
        var sample = ExecSample.Of(config);
        var scenarios = config.Scenarios.Where(s => s.Name != ScenarioConfig.ControlName).Prepend(ScenarioConfig.Control);
        foreach (var scenario in scenarios)
        {
            foreach (var recording in recordings.Where(scenario.AppliesTo))
            {
                bool sampled = sample is null || sample.Runs(scenario, recording);
                foreach (var client in clients.Where(c => c.Format == recording.Format.Name && (sampled || (c.Exec is null && !sampleEveryClient))))
                {
                    int position = runs.Count;
                    runs.Add(new RunSpec(
                        position,
                        $"{client.Name}/{scenario.Name}/{recording.Name}",
                        $"r{position:D5}",
                        client,
                        recording,
                        scenario,
                        StableHash.Of(seed.ToString(System.Globalization.CultureInfo.InvariantCulture), recording.Name, scenario.Name)));
                }
            }
        }

        return runs;
    }
}
