using System.Collections.Concurrent;
using TinyAgent.Harness.Clients;
using TinyAgent.Harness.Config;
using TinyAgent.Harness.Faults;
using TinyAgent.Harness.Judges;
using TinyAgent.Harness.Model;
using TinyAgent.Harness.Reports;
using TinyAgent.Harness.Server;

namespace TinyAgent.Harness.Runner;

/// <summary>
/// Runs the matrix against one replay server with bounded concurrency: plan, replay, observe, judge.
/// Every run has a deadline; a client that ignores it is abandoned and reported hung, and the suite goes on.
/// Cancelling the token stops starting new runs; finished runs are kept and the result is marked interrupted.
/// </summary>
internal sealed class SuiteRunner(HarnessConfig config, TimeProvider time, ClientFactory clients, TextWriter progress, bool interactive)
{
    // Killing an exec client's process tree takes longer than abandoning an in-process task.
    private static readonly TimeSpan ExecGrace = TimeSpan.FromSeconds(5);

    public async Task<(IReadOnlyList<RunReport> Runs, bool Interrupted, TimeSpan Wall)> RunAsync(IReadOnlyList<RunSpec> runs, CancellationToken cancellationToken)
    {
        long started = time.GetTimestamp();
        var table = new ScenarioTable();
        await using var server = await ReplayServer.StartAsync(
            new ReplayServerOptions { RedactHeaders = config.RedactHeaders, StallLimit = config.Timeouts.Deadline + TimeSpan.FromSeconds(2) },
            table,
            time,
            CancellationToken.None).ConfigureAwait(false); // a Ctrl+C this early still gets its (empty) report, marked interrupted

        var results = new ConcurrentDictionary<int, RunReport>();
        int done = 0;
        bool interrupted = false;
        try
        {
            await Parallel.ForEachAsync(
                runs,
                new ParallelOptions { MaxDegreeOfParallelism = config.Parallelism, CancellationToken = cancellationToken },
                async (spec, ct) =>
                {
                    var report = await RunOneAsync(server, table, spec, ct).ConfigureAwait(false);
                    if (ct.IsCancellationRequested)
                    {
                        return; // cut short by the interrupt: its outcome says nothing about the client
                    }

                    results[spec.Position] = report;
                    int n = Interlocked.Increment(ref done);
                    Progress(n, runs.Count, report);
                }).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            interrupted = true;
        }

        if (interactive)
        {
            progress.WriteLine();
        }

        return ([.. results.OrderBy(kv => kv.Key).Select(kv => kv.Value)], interrupted, time.GetElapsedTime(started));
    }

    private async Task<RunReport> RunOneAsync(ReplayServer server, ScenarioTable table, RunSpec spec, CancellationToken cancellationToken)
    {
        table.Bind(spec.Key, spec.Recording, spec.Scenario.Faults, spec.Seed);
        var client = clients.Create(spec.Client);
        var context = new ClientRunContext
        {
            BaseUrl = server.ScenarioUrl(spec.Key),
            Consumer = spec.Scenario.Consumer,
            Timeouts = config.Timeouts,
            Time = time,
        };

        // Killing a process tree and collecting its output takes longer than an in-process client's return.
        var grace = client is ExecClient ? ExecGrace : (TimeSpan?)null;
        var result = await RunGuard.RunAsync(client, context, cancellationToken, grace).ConfigureAwait(false);
        var evidence = await server.CollectEvidenceAsync(spec.Key, config.Timeouts.Deadline + TimeSpan.FromSeconds(3), cancellationToken).ConfigureAwait(false);
        var plan = table.LastPlan(spec.Key) ?? FaultPlanner.Plan(spec.Recording, spec.Scenario.Faults, 1, spec.Seed);
        var observation = new RunObservation
        {
            RunId = spec.Id,
            Client = spec.Client.Name,
            Recording = spec.Recording.Name,
            Scenario = spec.Scenario.Name,
            Faults = spec.Scenario.FaultDescriptions,
            Consumer = spec.Scenario.Consumer,
            Timeouts = config.Timeouts,
            RecordingExpected = spec.Recording.Expected,
            Plan = plan,
            Result = result,
            Server = evidence,
            TimestampFrequency = time.TimestampFrequency,
        };

        var findings = VerdictAggregator.Findings(observation).ToDictionary(f => f.Bug, StringComparer.Ordinal);
        table.Forget(spec.Key);
        return ToReport(spec, observation, findings);
    }

    private static RunReport ToReport(RunSpec spec, RunObservation o, IReadOnlyDictionary<string, RunFinding> findings)
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
            Outcome = r.Outcome switch
            {
                ClientOutcome.Completed => "completed",
                ClientOutcome.Failed => "failed",
                ClientOutcome.GaveUp => "gave-up",
                ClientOutcome.Hung => "hung",
                _ => "crashed",
            },
            Error = r.Error is null ? null : $"{r.Error.Type}: {r.Error.Message}",
            StopReason = r.StopReason,
            TextLength = r.Text.Length,
            Requests = o.Server.Count,
            Timings = new RunTimings(r.FirstByteAt?.TotalMilliseconds, r.FirstTextAt?.TotalMilliseconds, r.EndedAt?.TotalMilliseconds),
            Findings = findings.ToDictionary(kv => kv.Key, kv => new FindingReport(kv.Value.Verdict.ToName(), kv.Value.Evidence), StringComparer.Ordinal),
            Chunks = new RunChunks(
                [.. o.Server.SelectMany(e => e.Sent.Select(c => c.Size))],
                [.. (r.Reads ?? []).Select(x => x.Size)],
                r.Reads is null ? null : [.. r.Reads.Select(x => Math.Round(x.At.TotalMilliseconds, 2))]),
            Stdout = r.Stdout,
            Stderr = r.Stderr,
        };
    }

    private void Progress(int done, int total, RunReport report)
    {
        bool bad = report.Findings.Values.Any(f => f.Verdict == "not-handled") || report.Outcome is "hung" or "crashed";
        string line = $"[{done}/{total}] {report.Id}: {report.Outcome}";
        lock (progress)
        {
            if (interactive)
            {
                progress.Write($"\r{line,-100}");
            }
            else if (bad || done == total || done % 100 == 0)
            {
                progress.WriteLine(line + (bad ? " (bug shown)" : ""));
            }
        }
    }
}
