using TinyAgent.Harness.Plan;
using TinyAgent.Harness.Plan.Faults;
using TinyAgent.Harness.Recordings;

namespace TinyAgent.Harness.Tests.Faults;

internal sealed class FaultPlannerTests
{
    private static IFault[] Composed() =>
    [
        FaultRegistry.Parse("split:kinds=utf8+json", "t"),
        FaultRegistry.Parse("error-event:afterEvents=6", "t"),
        FaultRegistry.Parse("random:min=1,max=16", "t"),
    ];

    [Test]
    public void Random_split_and_error_event_compose_in_stage_order()
    {
        var plan = FaultPlanner.Plan(TestStreams.Unicode, Composed(), attempt: 1, seed: 5);
        var read = ReferenceReader.Read(plan.Body);

        Assert.That(plan.FaultDescriptions, Is.EqualTo(new[]
        {
            "split(kinds=utf8+json,fraction=1)",
            "error-event(type=overloaded_error,message=Overloaded,afterEvents=6)",
            "random(min=1,max=16)",
        }));
        Assert.That(TestStreams.Concat(plan), Is.EqualTo(plan.Body), "chunking and split are lossless over the rewritten body");
        Assert.That(read.ErrorType, Is.EqualTo("overloaded_error"));
        Assert.That(read.HasMessageStop, Is.False);
        Assert.That(read.Text, Is.EqualTo("こんにちは世界 🙂🎉"));
        Assert.That(plan.Facts.SplitKinds, Is.EqualTo(new[] { "json", "utf8" }));
        Assert.That(plan.Chunks.SkipLast(1).Where(c => !c.Separate).Select(c => c.Data.Length), Is.All.LessThanOrEqualTo(16));
    }

    [Test]
    public void Same_seed_gives_the_same_plan_and_another_seed_another_plan()
    {
        static string Fingerprint(ReplayPlan p) => string.Join(",", p.Chunks.Select(c => $"{c.Offset}:{c.Separate}:{c.DelayBefore.Ticks}"));
        var a = FaultPlanner.Plan(TestStreams.Unicode, Composed(), 1, 11);
        var b = FaultPlanner.Plan(TestStreams.Unicode, Composed(), 1, 11);
        var c = FaultPlanner.Plan(TestStreams.Unicode, Composed(), 1, 12);

        Assert.That(Fingerprint(a), Is.EqualTo(Fingerprint(b)));
        Assert.That(a.Body, Is.EqualTo(b.Body));
        Assert.That(Fingerprint(a), Is.Not.EqualTo(Fingerprint(c)));
        Assert.That(a.Seed, Is.EqualTo(11));
    }

    [Test]
    public void Adding_a_fault_at_the_end_does_not_reshuffle_the_others()
    {
        var alone = FaultPlanner.Plan(TestStreams.Lf, [new RandomChunkingFault(new())], 1, 3);
        var withLatency = FaultPlanner.Plan(TestStreams.Lf, [new RandomChunkingFault(new()), new LatencyFault(new())], 1, 3);

        Assert.That(withLatency.Chunks.Select(c => c.Offset), Is.EqualTo(alone.Chunks.Select(c => c.Offset)));
    }

    [Test]
    public void Default_per_frame_chunking_runs_before_split_and_timing()
    {
        var plan = FaultPlanner.Plan(TestStreams.Lf, [new LatencyFault(new() { JitterMs = 0 }), new SplitFault(new() { Kinds = ["frame-end"] })], 1, 1);

        Assert.That(plan.FaultDescriptions, Is.EqualTo(new[] { "latency(firstByteMs=300,betweenChunksMs=20,jitterMs=0)", "split(kinds=frame-end,fraction=1)", "per-frame" }));
        Assert.That(plan.Chunks.Select(c => c.End), Is.SupersetOf(TestStreams.Lf.Layout.FrameEnds));
        Assert.That(plan.Chunks.Skip(1).Select(c => c.DelayBefore), Is.All.EqualTo(TimeSpan.FromMilliseconds(20)));
    }

    [Test]
    public void The_plans_descriptions_replay_to_the_same_plan()
    {
        IFault[][] scenarios = [Composed(), [new SplitFault(new()), new LatencyFault(new())], [new HttpErrorFault(new()), new DropFault(new())]];
        foreach (var faults in scenarios)
        {
            var plan = FaultPlanner.Plan(TestStreams.Crlf, faults, 1, 9);
            var replayed = FaultPlanner.Plan(TestStreams.Crlf, [.. plan.FaultDescriptions.Select(d => FaultRegistry.Parse(d, "log"))], 1, 9);

            Assert.That(replayed.Body, Is.EqualTo(plan.Body));
            Assert.That(replayed.Chunks.Select(c => (c.Offset, c.Separate, c.DelayBefore)), Is.EqualTo(plan.Chunks.Select(c => (c.Offset, c.Separate, c.DelayBefore))));
            Assert.That(replayed.FaultDescriptions, Is.EqualTo(plan.FaultDescriptions));
        }
    }
}
