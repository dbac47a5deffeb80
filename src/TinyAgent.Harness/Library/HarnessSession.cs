using TinyAgent.Harness.Clients;
using TinyAgent.Harness.Config;
using TinyAgent.Harness.Model;
using TinyAgent.Harness.Observation;
using TinyAgent.Harness.Plan;
using TinyAgent.Harness.Plan.Faults;
using TinyAgent.Harness.Recordings;
using TinyAgent.Harness.Replay;
using TinyAgent.Harness.Verdicts;

namespace TinyAgent.Harness.Library;

/// <summary>
/// The harness as a library, for your own tests: a replay server on 127.0.0.1 that serves recordings with faults,
/// and the judges that decide, per bug, whether your client handled what it was given.
/// <code>
/// await using var session = await HarnessSession.StartAsync(new() { RecordingsFolder = "recordings" });
/// var scenario = session.AddScenario("text-short", "split");
/// var outcome = await MyClientAsync(scenario.BaseUrl);       // your client, your code
/// var verdicts = await session.JudgeAsync(scenario, outcome);
/// Assert.That(verdicts.SplitPacket.Verdict, Is.EqualTo(BugVerdictKind.Handled), verdicts.ToString());
/// </code>
/// One session serves any number of scenarios, concurrently; each scenario is judged once.
/// </summary>
public sealed class HarnessSession : IAsyncDisposable
{
    private readonly HarnessSessionOptions _options;
    private readonly Dictionary<string, Recording> _recordings;
    private readonly ReplayServer _server;
    private readonly RunPipeline _pipeline;
    private int _counter;

    private HarnessSession(HarnessSessionOptions options, Dictionary<string, Recording> recordings, LazyPlanner planner, ReplayServer server)
    {
        _options = options;
        _recordings = recordings;
        _server = server;
        var timeouts = new RunTimeouts(options.IdleTimeout, options.IdleTimeout, options.Deadline, options.Deadline)
        {
            StallTolerance = options.StallTolerance,
            GhostBound = options.GhostBound,
        };
        _pipeline = new RunPipeline(server, planner, options.TimeProvider, timeouts);
    }

    /// <summary>The server's address, e.g. <c>http://127.0.0.1:PORT</c> (scenarios live under it).</summary>
    public Uri ServerUrl => _server.BaseUrl;

    /// <summary>The names of the recordings loaded, in ordinal order.</summary>
    public IReadOnlyList<string> Recordings => [.. _recordings.Keys.Order(StringComparer.Ordinal)];

    internal TimeProvider Time => _options.TimeProvider;

    /// <summary>
    /// Loads the recordings and starts the replay server on a free port of 127.0.0.1.
    /// Throws <see cref="ArgumentException"/> with a one-line message (file and what is wrong) for bad options or recordings.
    /// </summary>
    public static async Task<HarnessSession> StartAsync(HarnessSessionOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var recordings = LoadRecordings(options);
        var planner = new LazyPlanner();
        var server = await ReplayServer.StartAsync(
            new ReplayServerOptions { StallLimit = options.Deadline + TimeSpan.FromSeconds(2) },
            planner,
            options.TimeProvider,
            cancellationToken).ConfigureAwait(false);
        return new HarnessSession(options, recordings, planner, server);
    }

    /// <summary>Binds <paramref name="recording"/> with <paramref name="faultSpecs"/> (read-everything consumer); see <see cref="AddScenario(ScenarioOptions)"/>.</summary>
    public ScenarioHandle AddScenario(string recording, params string[] faultSpecs) =>
        AddScenario(new ScenarioOptions(recording) { Faults = faultSpecs });

    /// <summary>
    /// Binds a scenario on the server and returns its handle, whose <see cref="ScenarioHandle.BaseUrl"/> your client uses.
    /// Throws <see cref="ArgumentException"/> for an unknown recording or a bad fault spec (one line naming which and why).
    /// </summary>
    public ScenarioHandle AddScenario(ScenarioOptions scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        if (!_recordings.TryGetValue(scenario.Recording, out var recording))
        {
            throw new ArgumentException($"recording '{scenario.Recording}' is not loaded (known: {string.Join(", ", Recordings)})", nameof(scenario));
        }

        if (scenario.GiveUpAfterDeltas is <= 0)
        {
            throw new ArgumentException($"scenario '{scenario.Recording}': GiveUpAfterDeltas must be at least 1, not {scenario.GiveUpAfterDeltas}", nameof(scenario));
        }

        var faults = new List<IFault>(scenario.Faults.Count);
        for (int i = 0; i < scenario.Faults.Count; i++)
        {
            try
            {
                faults.Add(FaultRegistry.Parse(scenario.Faults[i], $"faults[{i}]"));
            }
            catch (HarnessInputException e)
            {
                throw new ArgumentException($"scenario '{scenario.Recording}': {e.Message}", nameof(scenario), e);
            }
        }

        return Bind(scenario, recording, faults, isControl: false, control: null);
    }

    private ScenarioHandle Bind(ScenarioOptions scenario, Recording recording, IReadOnlyList<IFault> faults, bool isControl, ControlRun? control)
    {
        string key = $"lib{Interlocked.Increment(ref _counter)}-{scenario.Recording}";
        var request = new RunRequest
        {
            RunId = key,
            Key = key,
            Client = "library",
            Recording = recording,
            Scenario = isControl ? ScenarioConfig.ControlName : key,
            Faults = faults,
            FaultDescriptions = [.. faults.Select(FaultRegistry.Describe)],
            Consumer = Consumer(scenario),
            Seed = scenario.Seed ?? _options.Seed,
            IsControl = isControl,
            Control = control,
        };
        var bound = _pipeline.Bind(request);
        return new ScenarioHandle(this, request, bound, scenario, Time.GetTimestamp());
    }

    /// <summary>
    /// Judges a scenario after your client ran against it. Call it as soon as the client returned: the moment of the call
    /// counts as the client's end (the stall judge measures it). Waits (bounded by the deadline) until the server has
    /// finished every request of the scenario, then applies every judge.
    /// </summary>
    public Task<ScenarioVerdicts> JudgeAsync(ScenarioHandle scenario, ClientAnswer outcome, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(outcome);
        var result = ToResult(scenario, outcome, Time.GetElapsedTime(scenario.StartedTimestamp));
        return JudgeResultAsync(scenario, result, cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="client"/> twice, as the suite does: first on the recording with no fault (the control, judged
    /// by <c>baseline</c>), then on <paramref name="scenario"/>, judged against the control's answer, so a failure the
    /// client shows without the fault is not charged to the fault. A give-up scenario runs once, with no control. Each run is guarded: the client's token fires when it
    /// is overdue (the deadline after the server's last planned byte); a client still running then is reported hung (and
    /// abandoned if it ignores the token). An exception the client throws counts as the error it surfaced.
    /// </summary>
    public async Task<ScenarioVerdicts> RunAsync(ScenarioOptions scenario, Func<ScenarioHandle, CancellationToken, Task<ClientAnswer>> client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        var handle = AddScenario(scenario);
        if (scenario.GiveUpAfterDeltas is not null)
        {
            // A consumer that gives up is the test's own code: a control that reads everything cannot be asked of it.
            Claim(handle);
            var alone = await _pipeline.RunBoundAsync(handle.Request, handle.Bound, new DelegateClient(handle, client), cancellationToken).ConfigureAwait(false);
            return Verdicts(handle, alone, VerdictAggregator.Findings(alone));
        }

        var controlOptions = new ScenarioOptions(scenario.Recording) { Seed = scenario.Seed };
        var controlHandle = Bind(controlOptions, handle.RecordingData, ScenarioConfig.Control.Faults, isControl: true, control: null);
        Claim(controlHandle);
        var controlRun = await _pipeline.RunBoundAsync(controlHandle.Request, controlHandle.Bound, new DelegateClient(controlHandle, client), cancellationToken).ConfigureAwait(false);
        var baseline = VerdictAggregator.Findings(controlRun).First(f => f.Bug == Bugs.Baseline);

        Claim(handle);
        var request = handle.Request with { Control = new ControlRun(controlHandle.Key, controlRun.Result, baseline.Verdict, baseline.Evidence) };
        var observation = await _pipeline.RunBoundAsync(request, handle.Bound, new DelegateClient(handle, client), cancellationToken).ConfigureAwait(false);
        var findings = VerdictAggregator.Findings(observation).Select(f => f.Bug == Bugs.Baseline ? baseline : f);
        return Verdicts(handle, observation, findings);
    }

    /// <summary>Stops the server.</summary>
    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private async Task<ScenarioVerdicts> JudgeResultAsync(ScenarioHandle scenario, ClientResult result, CancellationToken cancellationToken)
    {
        Claim(scenario);
        var observation = await _pipeline.ObserveAsync(scenario.Request, result, cancellationToken).ConfigureAwait(false);
        return Verdicts(scenario, observation, VerdictAggregator.Findings(observation));
    }

    /// <summary>A scenario is judged once, by the session that made it.</summary>
    private void Claim(ScenarioHandle scenario)
    {
        if (!ReferenceEquals(scenario.Session, this))
        {
            throw new ArgumentException($"scenario '{scenario.Name}' belongs to another session", nameof(scenario));
        }

        if (Interlocked.Exchange(ref scenario.Judged, 1) != 0)
        {
            throw new InvalidOperationException($"scenario '{scenario.Name}' was already judged; add a new scenario for another run");
        }
    }

    private static ScenarioVerdicts Verdicts(ScenarioHandle scenario, RunObservation observation, IEnumerable<RunFinding> findings) =>
        new(scenario.Name, scenario.Faults, [.. findings.Select(ToPublic)], observation.Server.Count, RunQuestions.Describe(observation.Result));

    private static ConsumerModel Consumer(ScenarioOptions o) =>
        o.GiveUpAfterDeltas is int n ? new ConsumerModel($"give-up-after-{n}", n) : ConsumerModel.ReadAll;

    internal ClientResult ToResult(ScenarioHandle scenario, ClientAnswer outcome, TimeSpan endedAt)
    {
        long gaveUp = scenario.GaveUpTimestamp;
        return new ClientResult
        {
            Outcome = outcome.GaveUp ? ClientOutcome.GaveUp : outcome.ErrorType is null ? ClientOutcome.Completed : ClientOutcome.Failed,
            Text = outcome.Text,
            StopReason = outcome.StopReason,
            Error = outcome.ErrorType is null ? null : new ClientError(outcome.ErrorType, outcome.ErrorMessage ?? ""),
            StartedTimestamp = scenario.StartedTimestamp,
            GaveUpAt = outcome.GaveUp && gaveUp != 0 ? Time.GetElapsedTime(scenario.StartedTimestamp, gaveUp) : null,
            EndedAt = endedAt,
        };
    }

    private static BugVerdict ToPublic(RunFinding f) => new(
        f.Bug,
        f.Verdict switch
        {
            Verdict.Handled => BugVerdictKind.Handled,
            Verdict.NotHandled => BugVerdictKind.NotHandled,
            _ => BugVerdictKind.NotExercised,
        },
        f.Evidence);

    private static Dictionary<string, Recording> LoadRecordings(HarnessSessionOptions options)
    {
        var all = new List<Recording>();
        try
        {
            if (!string.IsNullOrWhiteSpace(options.RecordingsFolder))
            {
                string folder = Path.GetFullPath(options.RecordingsFolder);
                if (!Directory.Exists(folder))
                {
                    throw new ArgumentException($"HarnessSessionOptions.RecordingsFolder: {options.RecordingsFolder}: folder not found");
                }

                all.AddRange(RecordingLoader.LoadGlob("*" + RecordingLoader.Extension, folder));
            }

            all.AddRange(options.RecordingPaths.Select(p => RecordingLoader.Load(p)));
        }
        catch (HarnessInputException e)
        {
            throw new ArgumentException(e.Message, nameof(options), e);
        }

        var byName = new Dictionary<string, Recording>(StringComparer.Ordinal);
        foreach (var r in all)
        {
            if (byName.TryGetValue(r.Name, out var other) && !string.Equals(other.Path, r.Path, StringComparison.Ordinal))
            {
                throw new ArgumentException($"recording name '{r.Name}' is used by both {other.Path} and {r.Path}", nameof(options));
            }

            byName[r.Name] = r;
        }

        return byName;
    }

    /// <summary>Runs the test author's delegate as a client under test, so the suite's deadline guard applies.</summary>
    private sealed class DelegateClient(ScenarioHandle handle, Func<ScenarioHandle, CancellationToken, Task<ClientAnswer>> run) : IClientUnderTest
    {
        public string Name => "library";

        public async Task<ClientResult> RunAsync(ClientRunContext context, CancellationToken cancellationToken)
        {
            var outcome = await run(handle, cancellationToken).ConfigureAwait(false);
            var session = handle.Session;
            return session.ToResult(handle, outcome, session.Time.GetElapsedTime(handle.StartedTimestamp));
        }
    }
}
