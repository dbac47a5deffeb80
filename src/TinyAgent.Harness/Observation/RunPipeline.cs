using TinyAgent.Harness.Clients;
using TinyAgent.Harness.Model;
using TinyAgent.Harness.Plan;
using TinyAgent.Harness.Plan.Faults;
using TinyAgent.Harness.Recordings;
using TinyAgent.Harness.Replay;

namespace TinyAgent.Harness.Observation;

/// <summary>What one run is: the client, the recording, the faults, the consumer, the seed; and the control it is judged against.</summary>
internal sealed record RunRequest
{
    public required string RunId { get; init; }

    /// <summary>URL-safe scenario key on the replay server, unique per run (attempts are counted per key).</summary>
    public required string Key { get; init; }
    public required string Client { get; init; }
    public required Recording Recording { get; init; }
    public required string Scenario { get; init; }
    public required IReadOnlyList<IFault> Faults { get; init; }
    public required IReadOnlyList<string> FaultDescriptions { get; init; }
    public required ConsumerModel Consumer { get; init; }
    public required int Seed { get; init; }
    public bool IsControl { get; init; }
    public ControlRun? Control { get; init; }
}

/// <summary>A bound run: the base URL its client uses, the waits its first plan scripts, and roughly how long it will take.</summary>
internal sealed record BoundRun(Uri BaseUrl, TimeSpan ScriptedWait, TimeSpan ExpectedDuration);

/// <summary>
/// One run, one way: bind the scenario, run the client under its guard, collect the server's evidence (which carries
/// the plan it replayed), observe, judge. The suite, its confirmations and the library all go through here.
/// </summary>
internal sealed class RunPipeline(ReplayServer server, LazyPlanner planner, TimeProvider time, RunTimeouts timeouts)
{
    // Killing a process tree and collecting its output takes longer than an in-process client's return.
    private static readonly TimeSpan ExecGrace = TimeSpan.FromSeconds(5);

    public RunTimeouts Timeouts => timeouts;

    public ReplayServer Server => server;

    public TimeProvider Time => time;

    /// <summary>Binds the request's scenario on the server (planning its first attempt) and returns where a client finds it.</summary>
    public BoundRun Bind(RunRequest request)
    {
        var plan = planner.Bind(request.Key, request.Recording, request.Faults, request.Seed).Summary;

        // A stall lasts until the client's timeouts end it; a pause or a slow close adds its own time.
        var expected = plan.ScriptedWait + (plan.Facts.Stalls ? timeouts.Idle : TimeSpan.Zero) + (plan.StallKeepalive ? timeouts.Total : TimeSpan.Zero)
            + (plan.Facts.Pause ?? TimeSpan.Zero) + (request.Consumer.GiveUpAfterDeltas is null ? TimeSpan.Zero : TimeSpan.FromSeconds(1));
        return new(server.ScenarioUrl(request.Key), plan.ScriptedWait, expected);
    }

    /// <summary>Binds the request, runs <paramref name="client"/> on it and observes the run (not yet judged).</summary>
    public Task<RunObservation> RunAsync(RunRequest request, IClientUnderTest client, CancellationToken cancellationToken) =>
        RunBoundAsync(request, Bind(request), client, cancellationToken);

    /// <summary>Runs <paramref name="client"/> on a bound request under its guard and observes the run (not yet judged).</summary>
    public async Task<RunObservation> RunBoundAsync(RunRequest request, BoundRun bound, IClientUnderTest client, CancellationToken cancellationToken)
    {
        var context = new ClientRunContext
        {
            BaseUrl = bound.BaseUrl,
            Consumer = request.Consumer,
            Timeouts = timeouts,
            Time = time,
        };
        var grace = client is ExecClient ? ExecGrace : (TimeSpan?)null;
        var result = await RunGuard.RunAsync(client, context, cancellationToken, grace, ct => OverdueAsync(request.Key, bound.ScriptedWait, ct)).ConfigureAwait(false);
        return await ObserveAsync(request, result, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>After the client returned: waits (bounded) for the server to finish every request of the run, then builds the observation.</summary>
    public async Task<RunObservation> ObserveAsync(RunRequest request, ClientResult result, CancellationToken cancellationToken)
    {
        var evidence = await server.CollectEvidenceAsync(request.Key, timeouts.Deadline + TimeSpan.FromSeconds(3), cancellationToken).ConfigureAwait(false);
        planner.TryGetPlan(request.Key, 1, out var planned);
        planner.Forget(request.Key);
        return new RunObservation
        {
            RunId = request.RunId,
            Client = request.Client,
            Recording = request.Recording.Name,
            Scenario = request.Scenario,
            Faults = request.FaultDescriptions,
            Consumer = request.Consumer,
            Timeouts = timeouts,
            RecordingExpected = request.Recording.Expected,

            // The plan the server actually replayed for the last request; the first attempt's when none reached it.
            Plan = evidence.LastOrDefault(e => e.Plan is not null)?.Plan ?? planned.Summary,
            IsControl = request.IsControl,
            Control = request.Control,
            Result = result,
            Server = evidence,
            TimestampFrequency = time.TimestampFrequency,
        };
    }

    /// <summary>
    /// A run is overdue once the deadline (plus the plan's scripted waits; twice the deadline while no request has
    /// arrived) has passed since its start and the server has written no planned byte for a whole deadline: a client is hung only when it has had that long since the
    /// last byte, the start of a stall, or the moment it stopped reading. Never while it is still being sent to.
    /// </summary>
    private async Task<string> OverdueAsync(string key, TimeSpan scriptedWait, CancellationToken ct)
    {
        var grace = timeouts.Deadline;
        await Task.Delay(grace + scriptedWait, time, ct).ConfigureAwait(false);
        if (server.LastPlannedWrite(key) is null)
        {
            // A process that has not sent its request yet may still be starting on a loaded machine: one more grace.
            await Task.Delay(grace, time, ct).ConfigureAwait(false);
        }

        while (true)
        {
            if (server.LastPlannedWrite(key) is not long last)
            {
                return $"still running {Ms(grace + grace + scriptedWait)} after its start, and no request reached the server";
            }

            var quiet = time.GetElapsedTime(last);
            if (quiet >= grace)
            {
                return $"still running {Ms(quiet)} after the server's last planned byte (grace {Ms(grace)})";
            }

            await Task.Delay(grace - quiet, time, ct).ConfigureAwait(false);
        }
    }

    private static string Ms(TimeSpan t) => $"{t.TotalMilliseconds:0} ms";
}
