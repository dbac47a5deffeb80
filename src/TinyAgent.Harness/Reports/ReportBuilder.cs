using TinyAgent.Harness.Model;
using TinyAgent.Harness.Verdicts;

namespace TinyAgent.Harness.Reports;

/// <summary>
/// Turns runs into the report: aggregates findings into one verdict per client per bug, checks the
/// expectations, and summarises chunk sizes. Works on <see cref="RunReport"/>s so that <c>merge</c>
/// re-aggregates shard reports exactly as a single run would have.
/// </summary>
internal static class ReportBuilder
{
    public static SuiteReport Build(
        IReadOnlyList<RunReport> runs,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, Verdict>> expectations,
        IReadOnlyList<string> clientOrder,
        int seed,
        TimeSpan wall,
        bool interrupted,
        string? shard,
        bool narrowed = false)
    {
        var clients = new List<ClientReport>();
        var failures = new List<string>();
        var notes = new List<string>();
        foreach (string client in clientOrder)
        {
            var clientRuns = runs.Where(r => r.Client == client).ToList();
            var bugs = new Dictionary<string, BugReport>(StringComparer.Ordinal);
            foreach (string bug in Bugs.All)
            {
                var report = Aggregate(bug, clientRuns);
                Verdict? expected = expectations.TryGetValue(client, out var e) && e.TryGetValue(bug, out var v) ? v : null;
                // A shard sees only part of the matrix: it can prove a bug shown (not-handled) but not that one
                // is absent or caught elsewhere, so it fails only on that contradiction; merge checks the rest.
                // A run narrowed by --client, --scenario or --recording cannot speak for a concern none of its runs exercised.
                bool unexercised = narrowed && expected is not null && expected != report.Verdict && report.Verdict == Verdict.NotExercised;
                bool met = expected is null || expected == report.Verdict || unexercised ||
                    (shard is not null && !(expected == Verdict.Handled && report.Verdict == Verdict.NotHandled));
                if (unexercised)
                {
                    notes.Add($"{client} / {bug}");
                }

                if (!met)
                {
                    failures.Add($"{client} / {bug}: expected {expected!.Value.ToName()}, got {report.Verdict.ToName()}: {report.Evidence}");
                }

                bugs[bug] = report with { Expected = expected, Met = met };
            }

            var read = clientRuns.Select(r => r.Read).OfType<string>().Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            clients.Add(new ClientReport(client, bugs, read.Count == 0 ? null : string.Join(", ", read)));
        }

        if (interrupted)
        {
            failures.Add("the run was interrupted before every run finished");
        }

        return new SuiteReport
        {
            Seed = seed,
            Interrupted = interrupted,
            Shard = shard,
            WallMs = wall.TotalMilliseconds,
            Passed = failures.Count == 0,
            Clients = clients,
            Runs = runs,
            ChunkSizes = new ChunkSizes(
                SizeDistribution.Of(runs.SelectMany(r => r.Chunks.Sent)),
                SizeDistribution.Of(runs.SelectMany(r => r.Chunks.Received))),
            ExpectationFailures = failures,
            Notes = notes.Count == 0 ? [] :
                [$"{notes.Count} expectation(s) not exercised by this narrowed run, so not failed (a full run checks them): {string.Join(", ", notes)}"],
        };
    }

    /// <summary>The judges' own aggregation (<see cref="VerdictAggregator"/>), over findings read back from run reports.</summary>
    internal static BugReport Aggregate(string bug, IReadOnlyList<RunReport> runs)
    {
        var findings = runs
            .Where(r => r.Findings.ContainsKey(bug))
            .Select(r => new JudgedRun(r.Id, new RunFinding(bug, r.Findings[bug].Verdict, r.Findings[bug].Evidence)));
        var v = VerdictAggregator.Aggregate(findings, [bug])[bug];
        int exercised = runs.Count(r => r.Findings.TryGetValue(bug, out var f) && f.Verdict != Verdict.NotExercised);
        string evidence = v.Verdict switch
        {
            Verdict.NotHandled => $"{v.DecidingRuns.Count} of {exercised} runs; first {v.DecidingRuns[0]}: {v.Evidence[0]}",
            Verdict.Handled => $"all {exercised} runs; e.g. {v.DecidingRuns[0]}: {v.Evidence[0]}",
            _ => "no run exercised it",
        };
        int notReproduced = runs.Count(r => r.Findings.TryGetValue(bug, out var f) && f.NotReproduced == true);
        return new BugReport(v.Verdict, evidence, null, true, exercised, v.DecidingRuns) { NotReproduced = notReproduced == 0 ? null : notReproduced };
    }

    /// <summary>Combines shard reports: runs are concatenated (deduplicated by id) and verdicts recomputed.</summary>
    public static SuiteReport Merge(IReadOnlyList<SuiteReport> shards, IReadOnlyDictionary<string, IReadOnlyDictionary<string, Verdict>>? expectations)
    {
        if (shards.Count == 0)
        {
            throw new HarnessInputException("merge", "no reports given");
        }

        int seed = shards[0].Seed;
        var mismatch = shards.FirstOrDefault(s => s.Seed != seed);
        if (mismatch is not null)
        {
            throw new HarnessInputException("merge", $"reports come from different seeds ({seed} and {mismatch.Seed}); shards of one suite share a seed");
        }

        var runs = shards.SelectMany(s => s.Runs).GroupBy(r => r.Id).Select(g => g.First()).OrderBy(r => r.Id, StringComparer.Ordinal).ToList();
        var order = shards.SelectMany(s => s.Clients.Select(c => c.Name)).Distinct().ToList();

        // Without the config, the expectations recorded in the shard reports are used.
        expectations ??= shards.SelectMany(s => s.Clients)
            .GroupBy(c => c.Name)
            .ToDictionary(
                g => g.Key,
                g => (IReadOnlyDictionary<string, Verdict>)g.First().Bugs
                    .Where(b => b.Value.Expected is not null)
                    .ToDictionary(b => b.Key, b => b.Value.Expected!.Value));

        var merged = Build(runs, expectations, order, seed, TimeSpan.FromMilliseconds(shards.Max(s => s.WallMs)), shards.Any(s => s.Interrupted), null);
        var commands = shards.SelectMany(s => s.Clients).Where(c => c.Command is not null).GroupBy(c => c.Name).ToDictionary(g => g.Key, g => g.First().Command);
        return merged with
        {
            Config = shards[0].Config,
            Headline = shards[0].Headline,
            Clients = [.. merged.Clients.Select(c => c with { Command = commands.GetValueOrDefault(c.Name) })],
        };
    }
}
