using System.Collections.Concurrent;
using TinyAgent.Harness.Clients;
using TinyAgent.Harness.Config;
using TinyAgent.Harness.Model;
using TinyAgent.Harness.Reports;
using TinyAgent.Harness.Server;

namespace TinyAgent.Harness.Runner;

/// <summary>
/// Runs the matrix against one replay server through <see cref="RunPipeline"/> with bounded concurrency: first the
/// control runs (every client on every recording with no fault), then the fault runs, each judged against its control;
/// then every not-handled that rests on time and decides a verdict is re-run alone to confirm it.
/// Cancelling the token stops starting new runs; finished runs are kept and the result is marked interrupted.
/// </summary>
internal sealed class SuiteRunner(HarnessConfig config, TimeProvider time, ClientFactory clients, TextWriter progress, bool interactive)
{
    /// <summary>How many timing failures of one client's concern are re-run alone before the rest count as not reproduced.</summary>
    private const int ConfirmationsPerConcern = 3;

    /// <summary>
    /// Exec runs each start a process: more at once than about twice the cores only slows every one of them until
    /// start-up alone passes the deadline (reported hung). In-process runs keep the config's parallelism.
    /// </summary>
    private readonly SemaphoreSlim _execSlots = new(Math.Min(config.Parallelism, Math.Max(2, 2 * Environment.ProcessorCount)));

    private int _done;

    public async Task<(IReadOnlyList<RunReport> Runs, bool Interrupted, TimeSpan Wall)> RunAsync(IReadOnlyList<RunSpec> runs, CancellationToken cancellationToken)
    {
        long started = time.GetTimestamp();
        var table = new ScenarioTable();
        await using var server = await ReplayServer.StartAsync(
            new ReplayServerOptions { RedactHeaders = config.RedactHeaders, StallLimit = config.Timeouts.Deadline + TimeSpan.FromSeconds(2) },
            table,
            time,
            CancellationToken.None).ConfigureAwait(false); // a Ctrl+C this early still gets its (empty) report, marked interrupted
        var pipeline = new RunPipeline(server, table, time, config.Timeouts);

        var results = new ConcurrentDictionary<int, RunReport>();
        var controls = new ConcurrentDictionary<(string Client, string Recording), ControlRun>();
        bool interrupted = false;
        _done = 0;
        try
        {
            await RunPhaseAsync(pipeline, [.. runs.Where(r => r.IsControl)], runs.Count, controls, results, cancellationToken).ConfigureAwait(false);
            await RunPhaseAsync(pipeline, [.. runs.Where(r => !r.IsControl)], runs.Count, controls, results, cancellationToken).ConfigureAwait(false);
            if (interactive)
            {
                progress.WriteLine();
            }

            await ConfirmAsync(pipeline, runs, controls, results, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            interrupted = true;
            if (interactive)
            {
                progress.WriteLine();
            }
        }

        return ([.. results.OrderBy(kv => kv.Key).Select(kv => kv.Value)], interrupted, time.GetElapsedTime(started));
    }

    /// <summary>
    /// Runs each client once, the control on one recording, on a server of its own, before any matrix: a command
    /// that cannot run at all is better told in one line than in hundreds of crashed runs.
    /// </summary>
    public async Task<IReadOnlyList<ClientResult>> PreflightAsync(IReadOnlyList<ClientConfig> candidates, Recordings.Recording recording, int seed, CancellationToken cancellationToken)
    {
        var table = new ScenarioTable();
        await using var server = await ReplayServer.StartAsync(
            new ReplayServerOptions { RedactHeaders = config.RedactHeaders, StallLimit = config.Timeouts.Deadline + TimeSpan.FromSeconds(2) },
            table,
            time,
            cancellationToken).ConfigureAwait(false);
        var pipeline = new RunPipeline(server, table, time, config.Timeouts);
        var observations = await Task.WhenAll(candidates.Select((client, i) =>
        {
            var spec = new RunSpec(i, $"{client.Name}/preflight/{recording.Name}", $"p{i:D5}", client, recording, ScenarioConfig.Control, seed);
            return pipeline.RunAsync(spec.ToRequest(null), clients.Create(client), cancellationToken);
        })).ConfigureAwait(false);
        return [.. observations.Select(o => o.Result)];
    }

    private Task RunPhaseAsync(
        RunPipeline pipeline,
        IReadOnlyList<RunSpec> phase,
        int total,
        ConcurrentDictionary<(string, string), ControlRun> controls,
        ConcurrentDictionary<int, RunReport> results,
        CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(
            phase,
            new ParallelOptions { MaxDegreeOfParallelism = config.Parallelism, CancellationToken = cancellationToken },
            async (spec, ct) =>
            {
                var (report, observation, findings) = await RunOneAsync(pipeline, spec, controls, spec.Key, ct).ConfigureAwait(false);
                if (ct.IsCancellationRequested)
                {
                    return; // cut short by the interrupt: its outcome says nothing about the client
                }

                if (spec.IsControl)
                {
                    var baseline = findings.First(f => f.Bug == Bugs.Baseline);
                    controls[(spec.Client.Name, spec.Recording.Name)] = new ControlRun(spec.Id, observation.Result, baseline.Verdict, baseline.Evidence);
                }

                results[spec.Position] = report;
                Progress(Interlocked.Increment(ref _done), total, report);
            });

    private async Task<(RunReport, RunObservation, IReadOnlyList<RunFinding>)> RunOneAsync(
        RunPipeline pipeline, RunSpec spec, ConcurrentDictionary<(string, string), ControlRun> controls, string key, CancellationToken ct)
    {
        var control = controls.GetValueOrDefault((spec.Client.Name, spec.Recording.Name));
        bool exec = spec.Client.Exec is not null;
        if (exec)
        {
            await _execSlots.WaitAsync(ct).ConfigureAwait(false);
        }

        RunObservation observation;
        try
        {
            observation = await pipeline.RunAsync(spec.ToRequest(control, key), clients.Create(spec.Client), ct).ConfigureAwait(false);
        }
        finally
        {
            if (exec)
            {
                _execSlots.Release();
            }
        }

        var findings = RunPipeline.Judge(observation);
        return (ToReport(spec, observation, findings), observation, findings);
    }

    /// <summary>
    /// A not-handled that rests on time decides a verdict only once it happened again alone. Per client and concern
    /// whose every not-handled run rests on time, those runs are re-run one at a time, nothing else in flight, until one
    /// reproduces (confirmed; the others say unconfirmed); runs that do not reproduce become not-reproduced.
    /// </summary>
    private async Task ConfirmAsync(
        RunPipeline pipeline,
        IReadOnlyList<RunSpec> runs,
        ConcurrentDictionary<(string, string), ControlRun> controls,
        ConcurrentDictionary<int, RunReport> results,
        CancellationToken ct)
    {
        var specs = runs.ToDictionary(r => r.Id, StringComparer.Ordinal);
        var reruns = new Dictionary<(string Run, string Bug), (bool Reproduced, string Attempt)>();
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
                    var report = failing[i];
                    var spec = specs[report.Id];
                    string original = $"{Verdict.NotHandled.ToName()}: {report.Findings[bug].Evidence}";
                    if (confirmed)
                    {
                        Update(results, spec, report, bug, ConfirmationStatus.Unconfirmed, [original], Verdict.NotHandled, null);
                        continue;
                    }

                    if (i >= ConfirmationsPerConcern)
                    {
                        Update(results, spec, report, bug, ConfirmationStatus.NotReproduced, [original], Verdict.NotReproduced,
                            $"not re-run: the first {ConfirmationsPerConcern} failures of this concern did not reproduce alone");
                        continue;
                    }

                    if (!reruns.TryGetValue((report.Id, bug), out var rerun))
                    {
                        string key = $"{spec.Key}-alone{reruns.Count + 1}";
                        var (_, _, findings) = await RunOneAsync(pipeline, spec, controls, key, ct).ConfigureAwait(false);
                        var again = findings.First(f => f.Bug == bug);
                        rerun = (again.Verdict == Verdict.NotHandled, $"{again.Verdict.ToName()} (alone): {again.Evidence}");
                        reruns[(report.Id, bug)] = rerun;
                    }

                    confirmed = rerun.Reproduced;
                    Update(results, spec, results[spec.Position], bug,
                        confirmed ? ConfirmationStatus.Confirmed : ConfirmationStatus.NotReproduced,
                        [original, rerun.Attempt],
                        confirmed ? Verdict.NotHandled : Verdict.NotReproduced,
                        confirmed ? "confirmed alone (2 of 2 attempts)" : "not reproduced alone (1 of 2 attempts)");
                }
            }
        }
    }

    private static void Update(ConcurrentDictionary<int, RunReport> results, RunSpec spec, RunReport report, string bug, ConfirmationStatus status, IReadOnlyList<string> attempts, Verdict verdict, string? note)
    {
        var finding = report.Findings[bug];
        var findings = new Dictionary<string, FindingReport>(report.Findings, StringComparer.Ordinal)
        {
            [bug] = finding with { Verdict = verdict, Evidence = note is null ? finding.Evidence : $"{note}: {finding.Evidence}" },
        };
        results[spec.Position] = report with { Findings = findings, Confirmation = new ConfirmationReport(status, attempts) };
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
}
