using TinyAgent.Harness.Model;
using TinyAgent.Harness.Verdicts;
using static TinyAgent.Harness.Tests.Judges.Observations;

namespace TinyAgent.Harness.Tests.Judges;

internal sealed class VerdictAggregatorTests
{
    private static JudgedRun F(string run, string bug, Verdict v) => new(run, new RunFinding(bug, v, $"{run}:{v}"));

    [Test]
    public void Any_not_handled_run_decides_not_handled_and_keeps_only_those_runs()
    {
        var verdicts = VerdictAggregator.Aggregate(
        [
            F("a", Bugs.SplitPacket, Verdict.Handled),
            F("b", Bugs.SplitPacket, Verdict.NotHandled),
            F("c", Bugs.SplitPacket, Verdict.NotExercised),
            F("d", Bugs.SplitPacket, Verdict.NotHandled),
        ]);

        var split = verdicts[Bugs.SplitPacket];
        Assert.That(split.Verdict, Is.EqualTo(Verdict.NotHandled));
        Assert.That(split.DecidingRuns, Is.EqualTo(new[] { "b", "d" }));
        Assert.That(split.Evidence, Is.EqualTo(new[] { "b:NotHandled", "d:NotHandled" }));
    }

    [Test]
    public void Handled_needs_one_handled_run_and_no_failure_and_unexercised_bugs_are_listed()
    {
        var verdicts = VerdictAggregator.Aggregate(
        [
            F("a", Bugs.Stall, Verdict.NotExercised),
            F("b", Bugs.Stall, Verdict.Handled),
            F("a", Bugs.GhostStream, Verdict.NotExercised),
        ]);

        Assert.That(verdicts[Bugs.Stall].Verdict, Is.EqualTo(Verdict.Handled));
        Assert.That(verdicts[Bugs.Stall].DecidingRuns, Is.EqualTo(new[] { "b" }));
        Assert.That(verdicts[Bugs.GhostStream].Verdict, Is.EqualTo(Verdict.NotExercised));
        Assert.That(verdicts[Bugs.GhostStream].DecidingRuns, Is.Empty);
        Assert.That(verdicts.Keys, Is.EquivalentTo(Bugs.All));
    }

    [Test]
    public void Runs_are_judged_by_every_judge_and_grouped_per_client()
    {
        var good = Make(Result(), new Model.PlanFacts { CutsInsideFrames = 2 }, runId: "good");
        var bad = Make(Result(text: "Hel"), new Model.PlanFacts { CutsInsideFrames = 2 }, runId: "bad") with { Client = "naive-split" };

        var byClient = VerdictAggregator.ByClient([good, bad]);

        Assert.That(byClient["client"][Bugs.SplitPacket].Verdict, Is.EqualTo(Verdict.Handled));
        Assert.That(byClient["naive-split"][Bugs.SplitPacket].Verdict, Is.EqualTo(Verdict.NotHandled));
        Assert.That(byClient["naive-split"][Bugs.SplitPacket].DecidingRuns, Is.EqualTo(new[] { "bad" }));
        Assert.That(byClient["client"][Bugs.Stall].Verdict, Is.EqualTo(Verdict.NotExercised));
    }
}
