using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Verdicts;

/// <summary>One judge's finding on one run, tagged with the run.</summary>
internal sealed record JudgedRun(string RunId, RunFinding Finding);

/// <summary>A client's verdict on one bug, with the runs that decided it and their evidence (same order).</summary>
internal sealed record BugVerdict(string Bug, Verdict Verdict, IReadOnlyList<string> DecidingRuns, IReadOnlyList<string> Evidence);

/// <summary>Turns the findings of many runs of one client into one verdict per bug.</summary>
internal static class VerdictAggregator
{
    /// <summary>The judges, one per concern in <see cref="Bugs.All"/>, in that order.</summary>
    public static IReadOnlyList<IJudge> AllJudges { get; } =
        [new BaselineJudge(), new SplitPacketJudge(), new SilentTruncationJudge(), new GhostStreamJudge(), new StallJudge(), new RetryJudge(), new WireVariantsJudge()];

    /// <summary>
    /// Every judge's finding on one run, as the suite and the library both report it. A run whose request never
    /// reached the replayed stream (never sent, or rejected before planning) exercised no bug, whatever the client did.
    /// </summary>
    public static IReadOnlyList<RunFinding> Findings(RunObservation run, IReadOnlyList<IJudge>? judges = null) =>
        [.. (judges ?? AllJudges).Select(j => run.Server.Count == 0
            ? RunFinding.NotExercised(j.Bug, "no request reached the replayed stream")
            : j.Judge(run))];

    /// <summary>Every judge on one run, tagged with the run.</summary>
    public static IReadOnlyList<JudgedRun> JudgeRun(RunObservation run, IReadOnlyList<IJudge>? judges = null) =>
        [.. Findings(run, judges).Select(f => new JudgedRun(run.RunId, f))];

    /// <summary>
    /// Any not-handled run decides not-handled; else any handled run decides handled; else not-exercised.
    /// Every bug in <paramref name="bugs"/> (default <see cref="Bugs.All"/>) gets an entry, even with no findings.
    /// </summary>
    public static IReadOnlyDictionary<string, BugVerdict> Aggregate(IEnumerable<JudgedRun> findings, IEnumerable<string>? bugs = null)
    {
        var byBug = findings.GroupBy(f => f.Finding.Bug).ToDictionary(g => g.Key, g => g.ToList());
        var result = new Dictionary<string, BugVerdict>(StringComparer.Ordinal);
        foreach (string bug in (bugs ?? Bugs.All).Concat(byBug.Keys).Distinct(StringComparer.Ordinal))
        {
            var runs = byBug.GetValueOrDefault(bug) ?? [];
            var verdict = runs.Any(r => r.Finding.Verdict == Verdict.NotHandled) ? Verdict.NotHandled
                : runs.Any(r => r.Finding.Verdict == Verdict.Handled) ? Verdict.Handled
                : Verdict.NotExercised;
            var deciding = verdict == Verdict.NotExercised ? [] : runs.Where(r => r.Finding.Verdict == verdict).ToList();
            result[bug] = new BugVerdict(
                bug,
                verdict,
                [.. deciding.Select(r => r.RunId)],
                verdict == Verdict.NotExercised ? ["no run exercised it"] : [.. deciding.Select(r => r.Finding.Evidence)]);
        }

        return result;
    }

    /// <summary>Judges every run and aggregates per client (keyed by <see cref="RunObservation.Client"/>).</summary>
    public static IReadOnlyDictionary<string, IReadOnlyDictionary<string, BugVerdict>> ByClient(
        IEnumerable<RunObservation> runs, IReadOnlyList<IJudge>? judges = null) =>
        runs.GroupBy(r => r.Client, StringComparer.Ordinal)
            .ToDictionary(
                g => g.Key,
                g => Aggregate(g.SelectMany(r => JudgeRun(r, judges)), (judges ?? AllJudges).Select(j => j.Bug)),
                StringComparer.Ordinal);
}
