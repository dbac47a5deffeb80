// One file just over 300 lines on purpose: the matrix (controls and fault runs in one queue) and the confirmations write the same
// result table and progress line, and a confirmation updates the run it confirms in place.

using System.Collections.Concurrent;
using TinyAgent.Harness.Clients;
using TinyAgent.Harness.Config;
using TinyAgent.Harness.Model;
using TinyAgent.Harness.Observation;
using TinyAgent.Harness.Plan;
using TinyAgent.Harness.Recordings;
using TinyAgent.Harness.Replay;
using TinyAgent.Harness.Reports;
using TinyAgent.Harness.Verdicts;

namespace TinyAgent.Harness.Cli;

/// <summary>
/// Runs the matrix against one replay server through <see cref="RunPipeline"/> with bounded concurrency: the
/// control runs (every client on every recording with no fault) and the fault runs, each judged against its control;
/// then every not-handled that rests on time and decides a verdict is re-run alone to confirm it.
/// Cancelling the token stops starting new runs; finished runs are kept and the result is marked interrupted.
/// </summary>
internal sealed class SuiteRunner(HarnessConfig config, TimeProvider time, ClientFactory clients, TextWriter progress, bool interactive)
{
    /// <summary>How many timing failures of one client's concern are re-run alone before the rest are left unjudged.</summary>
    private const int ConfirmationsPerConcern = 5;

    /// <summary>
    /// Exec runs each start a process, and starting one (a runtime, its modules) is most of what it costs: more
    /// starting at once than about twice the cores only slows every one of them until start-up alone passes the
    /// deadline (reported hung). A run leaves this bound when its first request reaches the server; from then on it
    /// mostly waits on the stream (a stall, a pause, a paced reply), so it holds only a place among the exec clients
    /// alive at once, which bounds processes in memory. In-process runs keep the config's parallelism.
    /// </summary>
    private readonly SemaphoreSlim _execStarting = new(Math.Min(config.Parallelism, Math.Max(2, 2 * Environment.ProcessorCount)));

    private readonly SemaphoreSlim _execAlive = new(Math.Min(config.Parallelism, Math.Max(4, 8 * Environment.ProcessorCount)));

    private readonly List<string> _phases = [];
    private int _done;

    /// <summary>What each phase cost, e.g. "controls 103 and faults 1429: 1532 runs 8.1 s, confirmations 1 re-runs alone 1.0 s".</summary>
    public string Phases => string.Join(", ", _phases);

    public async Task<(IReadOnlyList<RunReport> Runs, bool Interrupted, TimeSpan Wall)> RunAsync(IReadOnlyList<RunSpec> runs, CancellationToken cancellationToken)
    {
        long started = time.GetTimestamp();
        var planner = new LazyPlanner();
        await using var server = await ReplayServer.StartAsync(
            new ReplayServerOptions { RedactHeaders = config.RedactHeaders, StallLimit = config.Timeouts.Deadline + TimeSpan.FromSeconds(2) },
            planner,
            time,
            CancellationToken.None).ConfigureAwait(false); // a Ctrl+C this early still gets its (empty) report, marked interrupted
        var matrix = new Matrix(new RunPipeline(server, planner, time, config.Timeouts), runs);
        bool interrupted = false;
        _done = 0;
        try
        {
            _phases.Clear();
            int controlCount = runs.Count(r => r.IsControl);
            await Timed($"controls {controlCount} and faults {runs.Count - controlCount}:", "runs", () => RunMatrixAsync(matrix, cancellationToken)).ConfigureAwait(false);
            if (interactive)
            {
                progress.WriteLine();
            }

            await Timed("confirmations", "re-runs alone", () => ConfirmAsync(matrix, cancellationToken)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            interrupted = true;
            if (interactive)
            {
                progress.WriteLine();
            }
        }

        return ([.. matrix.Results.OrderBy(kv => kv.Key).Select(kv => kv.Value)], interrupted, time.GetElapsedTime(started));
    }

    /// <summary>
    /// Runs each client once, the control on one recording, on a server of its own, before any matrix: a command
    /// that cannot run at all is better told in one line than in hundreds of crashed runs.
    /// </summary>
    public async Task<IReadOnlyList<ClientResult>> PreflightAsync(IReadOnlyList<ClientConfig> candidates, Recording recording, int seed, CancellationToken cancellationToken)
    {
        var planner = new LazyPlanner();
        await using var server = await ReplayServer.StartAsync(
            new ReplayServerOptions { RedactHeaders = config.RedactHeaders, StallLimit = config.Timeouts.Deadline + TimeSpan.FromSeconds(2) },
            planner,
            time,
            cancellationToken).ConfigureAwait(false);
        var pipeline = new RunPipeline(server, planner, time, config.Timeouts);
        var observations = await Task.WhenAll(candidates.Select((client, i) =>
        {
            var spec = new RunSpec(i, $"{client.Name}/preflight/{recording.Name}", $"p{i:D5}", client, recording, ScenarioConfig.Control, seed);
            return pipeline.RunAsync(spec.ToRequest(null), clients.Create(client), cancellationToken);
        })).ConfigureAwait(false);
        return [.. observations.Select(o => o.Result)];
    }

    private async Task Timed(string phase, string unit, Func<Task<int>> run)
    {
        long started = time.GetTimestamp();
        int count = await run().ConfigureAwait(false);
        _phases.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{phase} {count} {unit} {time.GetElapsedTime(started).TotalSeconds:0.0} s"));
    }

    private async Task<int> RunMatrixAsync(Matrix matrix, CancellationToken cancellationToken)
    {
        // Controls and fault runs share one queue: a fault run needs its control only to be judged, so it waits for
        // it after its client is done, holding no slot. Bound (planned) up front and started longest first, so the
        // slow runs (stalls, pauses, latency, paced controls) overlap the many quick ones instead of trailing at the end.
        var bound = matrix.Runs
            .Select(spec =>
            {
                var request = spec.ToRequest(null);
                return (Spec: spec, Request: request, Bound: matrix.Pipeline.Bind(request));
            })
            .OrderByDescending(b => b.Bound.ExpectedDuration)
            .ToList();
        var judging = new ConcurrentBag<Task>();
        try
        {
            await Parallel.ForEachAsync(
                bound,
                new ParallelOptions { MaxDegreeOfParallelism = config.Parallelism, CancellationToken = cancellationToken },
                async (b, ct) =>
                {
                    var spec = b.Spec;
                    var observation = await ExecBounded(spec, b.Request.Key, matrix.Pipeline.Server, () => matrix.Pipeline.RunBoundAsync(b.Request, b.Bound, clients.Create(spec.Client), ct), ct).ConfigureAwait(false);
                    if (ct.IsCancellationRequested)
                    {
                        return; // cut short by the interrupt: its outcome says nothing about the client
                    }

                    if (matrix.ControlOf(spec) is { } control)
                    {
                        judging.Add(JudgeAfterControlAsync(matrix, spec, observation, control));
                    }
                    else
                    {
                        Judge(matrix, spec, observation);
                    }
                }).ConfigureAwait(false);
        }
        finally
        {
            matrix.AbandonControls();
            await Task.WhenAll(judging).ConfigureAwait(false);
        }

        return bound.Count;
    }

    private async Task JudgeAfterControlAsync(Matrix matrix, RunSpec spec, RunObservation observation, Task<ControlRun?> control)
    {
        // No control only when it was cut short (the interrupt): without it the run cannot be judged fairly, so it is
        // left out of the partial report, as a run cut short itself is.
        if (await control.ConfigureAwait(false) is { } done)
        {
            Judge(matrix, spec, observation with { Control = done });
        }
    }

    private void Judge(Matrix matrix, RunSpec spec, RunObservation observation)
    {
        var findings = VerdictAggregator.Findings(observation);
        var report = ToReport(spec, observation, findings);
        matrix.Results[spec.Position] = report;
        if (spec.IsControl)
        {
            var baseline = findings.First(f => f.Bug == Bugs.Baseline);
            matrix.ControlDone(spec, new ControlRun(spec.Id, observation.Result, baseline.Verdict, baseline.Evidence));
        }

        Progress(Interlocked.Increment(ref _done), matrix.Runs.Count, report);
    }

    private async Task<(RunReport, RunObservation, IReadOnlyList<RunFinding>)> RunOneAsync(Matrix matrix, RunSpec spec, string key, CancellationToken ct)
    {
        var control = matrix.ControlOf(spec) is { IsCompletedSuccessfully: true } done ? done.Result : null;
        var observation = await ExecBounded(spec, key, matrix.Pipeline.Server, () => matrix.Pipeline.RunAsync(spec.ToRequest(control, key), clients.Create(spec.Client), ct), ct).ConfigureAwait(false);
        var findings = VerdictAggregator.Findings(observation);
        return (ToReport(spec, observation, findings), observation, findings);
    }

    private async Task<RunObservation> ExecBounded(RunSpec spec, string key, ReplayServer server, Func<Task<RunObservation>> run, CancellationToken ct)
    {
        if (spec.Client.Exec is null)
        {
            return await run().ConfigureAwait(false);
        }

        await _execAlive.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            var arrived = server.ArrivalOf(key);
            try
            {
                await _execStarting.WaitAsync(ct).ConfigureAwait(false);
                Task<RunObservation> running;
                try
                {
                    running = run();
                    await Task.WhenAny(running, arrived).ConfigureAwait(false);
                }
                finally
                {
                    _execStarting.Release();
                }

                return await running.ConfigureAwait(false);
            }
            finally
            {
                server.ForgetArrival(key);
            }
        }
        finally
        {
            _execAlive.Release();
        }
    }

    /// <summary>
    /// A not-handled that rests on time decides a verdict only once it happened again alone. Per client and concern
    /// whose every not-handled run rests on time, those runs are re-run one at a time, nothing else in flight, until one
    /// reproduces: that run is confirmed and decides; the rest say unconfirmed. A run that does not reproduce alone
    /// takes the verdict of its run alone and says "not reproduced alone (1 of 2 attempts)": load never flips a verdict.
    /// </summary>
    private async Task<int> ConfirmAsync(Matrix matrix, CancellationToken ct)
    {
        var runs = matrix.Runs;
        var results = matrix.Results;
        var specs = runs.ToDictionary(r => r.Id, StringComparer.Ordinal);
        var alone = new Dictionary<string, IReadOnlyList<RunFinding>>(StringComparer.Ordinal);
        foreach (var client in runs.Select(r => r.Client.Name).Distinct(StringComparer.Ordinal))
        {
            foreach (string bug in Bugs.All)
            {
                var failing = results.Values
                    .Where(r => r.Client == client && r.Findings.TryGetValue(bug, out var f) && f.Verdict == Verdict.NotHandled)
                    .OrderBy(r => specs[r.Id].Position)
                    .ToList();
                if (failing.Count == 0 || failing.Any(r => r.Findings[bug].Timing != true))
                {
                    continue; // no failure, or one that does not rest on time decides the verdict
                }

                bool confirmed = false;
                for (int i = 0; i < failing.Count; i++)
                {
                    var spec = specs[failing[i].Id];
                    var report = results[spec.Position];
                    var finding = report.Findings[bug];
                    string original = $"{Verdict.NotHandled.ToName()}: {finding.Evidence}";
                    if (confirmed)
                    {
                        Update(results, spec.Position, report, bug, finding, new ConfirmationReport(ConfirmationStatus.Unconfirmed, [original]));
                        continue;
                    }

                    if (i >= ConfirmationsPerConcern)
                    {
                        Update(results, spec.Position, report, bug, finding with
                        {
                            Verdict = Verdict.NotExercised,
                            Evidence = $"not re-run: the first {ConfirmationsPerConcern} timing failures of this concern did not reproduce alone: {finding.Evidence}",
                            NotReproduced = true,
                        }, new ConfirmationReport(ConfirmationStatus.NotReproduced, [original]));
                        continue;
                    }

                    if (!alone.TryGetValue(report.Id, out var again))
                    {
                        (_, _, again) = await RunOneAsync(matrix, spec, $"{spec.Key}-alone", ct).ConfigureAwait(false);
                        alone[report.Id] = again;
                    }

                    var rerun = again.First(f => f.Bug == bug);
                    string attempt = $"{rerun.Verdict.ToName()} (alone): {rerun.Evidence}";
                    confirmed = rerun.Verdict == Verdict.NotHandled;
                    Update(results, spec.Position, report, bug, confirmed
                        ? finding with { Evidence = $"confirmed alone (2 of 2 attempts): {finding.Evidence}" }
                        : finding with { Verdict = rerun.Verdict, Evidence = $"not reproduced alone (1 of 2 attempts failed): alone, {rerun.Evidence}; with the suite, {finding.Evidence}", Timing = null, NotReproduced = true },
                        new ConfirmationReport(confirmed ? ConfirmationStatus.Confirmed : ConfirmationStatus.NotReproduced, [original, attempt]));
                }
            }
        }

        return alone.Count;
    }

    private static void Update(ConcurrentDictionary<int, RunReport> results, int position, RunReport report, string bug, FindingReport finding, ConfirmationReport confirmation)
    {
        var findings = new Dictionary<string, FindingReport>(report.Findings, StringComparer.Ordinal) { [bug] = finding };
        results[position] = report with { Findings = findings, Confirmation = confirmation };
    }

    private static RunReport ToReport(RunSpec spec, RunObservation o, IReadOnlyList<RunFinding> findings)
    {
        var r = o.Result;
        return new RunReport
        {
            Id = spec.Id,
            Client = spec.Client.Name,
            Recording = spec.Recording.Name,
            Scenario = spec.Scenario.Name,
            Faults = spec.Scenario.FaultDescriptions,
            Consumer = spec.Scenario.Consumer.Name,
            Seed = spec.Seed,
            Control = o.IsControl ? true : null,
            ControlRun = o.Control?.RunId,
            Outcome = r.Outcome,
            Error = r.Error is null ? null : $"{r.Error.Type}: {r.Error.Message}",
            StopReason = r.StopReason,
            TextLength = r.Text.Length,
            Requests = o.Server.Count,
            Timings = new RunTimings(r.FirstByteAt?.TotalMilliseconds, r.FirstTextAt?.TotalMilliseconds, r.EndedAt?.TotalMilliseconds),
            Findings = findings.ToDictionary(f => f.Bug, f => new FindingReport(f.Verdict, f.Evidence, f.Timing ? true : null), StringComparer.Ordinal),
            Chunks = new RunChunks(
                [.. o.Server.SelectMany(e => e.Sent.Select(c => c.Size))],
                [.. (r.Reads ?? []).Select(x => x.Size)],
                r.Reads is null ? null : [.. r.Reads.Select(x => Math.Round(x.At.TotalMilliseconds, 2))]),
            Stdout = r.Stdout,
            Stderr = r.Stderr,
            Read = r.Read,
        };
    }

    private void Progress(int done, int total, RunReport report)
    {
        var shown = report.Findings.Where(f => f.Value.Verdict == Verdict.NotHandled).Select(f => f.Key).ToList();
        bool bad = shown.Count > 0 || report.Outcome is ClientOutcome.Hung or ClientOutcome.Crashed;
        string line = $"[{done}/{total}] {report.Id}: {report.Outcome.ToName()}";
        lock (progress)
        {
            if (interactive)
            {
                progress.Write($"\r{line,-100}");
            }
            else if (bad || done == total || done % 100 == 0)
            {
                progress.WriteLine(line + (shown.Count > 0 ? $" ({string.Join(", ", shown)} not handled)" : ""));
            }
        }
    }

    /// <summary>One suite run's shared state: the pipeline, the runs, their reports by position, and each control once it is judged.</summary>
    private sealed class Matrix(RunPipeline pipeline, IReadOnlyList<RunSpec> runs)
    {
        private readonly Dictionary<(string Client, string Recording), TaskCompletionSource<ControlRun?>> _controls = runs
            .Where(r => r.IsControl)
            .ToDictionary(r => (r.Client.Name, r.Recording.Name), _ => new TaskCompletionSource<ControlRun?>(TaskCreationOptions.RunContinuationsAsynchronously));

        public RunPipeline Pipeline => pipeline;

        public IReadOnlyList<RunSpec> Runs => runs;

        public ConcurrentDictionary<int, RunReport> Results { get; } = new();

        /// <summary>The control a fault run is judged against, once judged (null when it was cut short); null for a control itself.</summary>
        public Task<ControlRun?>? ControlOf(RunSpec spec) =>
            spec.IsControl ? null : _controls.GetValueOrDefault((spec.Client.Name, spec.Recording.Name))?.Task;

        public void ControlDone(RunSpec spec, ControlRun control) => _controls[(spec.Client.Name, spec.Recording.Name)].TrySetResult(control);

        /// <summary>Controls cut short by the interrupt: their fault runs stop waiting for them (and are left unjudged).</summary>
        public void AbandonControls()
        {
            foreach (var control in _controls.Values)
            {
                control.TrySetResult(null);
            }
        }
    }
}
