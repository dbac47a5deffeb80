using TinyAgent.Harness.Plan.Faults;

namespace TinyAgent.Harness.Tests.Faults;

internal sealed class BandwidthFaultTests
{
    [Test]
    public void Bandwidth_sends_small_pieces_at_the_capped_rate_and_loses_nothing()
    {
        var plan = TestStreams.Plan(TestStreams.Unicode, new BandwidthFault(new() { BytesPerSecond = 2048 }));

        Assert.That(TestStreams.Concat(plan), Is.EqualTo(TestStreams.Unicode.Body));
        Assert.That(plan.Chunks.Select(c => c.Data.Length), Is.All.InRange(1, 20));
        var expected = TimeSpan.FromSeconds((double)(plan.Body.Length - plan.Chunks[^1].Data.Length) / 2048);
        Assert.That(plan.Summary.ScriptedWait.TotalMilliseconds, Is.EqualTo(expected.TotalMilliseconds).Within(1));
        foreach (var (previous, chunk) in plan.Chunks.Zip(plan.Chunks.Skip(1)))
        {
            Assert.That(chunk.DelayBefore.TotalMilliseconds, Is.EqualTo(previous.Data.Length * 1000.0 / 2048).Within(0.001));
        }

        Assert.That((plan.Facts.WireVariants.Count, plan.Facts.Pause, plan.Facts.BytesDropped, plan.Facts.Stalls), Is.EqualTo((0, (TimeSpan?)null, 0, false)), "timing only: no facts");
    }

    [Test]
    public void Bandwidth_keeps_the_cuts_and_waits_already_planned()
    {
        var latency = new LatencyFault(new() { FirstByteMs = 30, BetweenChunksMs = 5, JitterMs = 0 });
        var plan = TestStreams.Plan(TestStreams.Lf, new SplitFault(new()), latency, new BandwidthFault(new() { BytesPerSecond = 100_000 }));
        var before = TestStreams.Plan(TestStreams.Lf, new SplitFault(new()), latency);

        Assert.That(plan.Chunks.Select(c => c.Offset), Is.SupersetOf(before.Chunks.Select(c => c.Offset)));
        Assert.That(plan.Chunks.Where(c => c.Separate).Select(c => c.Offset), Is.EqualTo(before.Chunks.Where(c => c.Separate).Select(c => c.Offset)));
        Assert.That(plan.Chunks.Select(c => c.Data.Length), Is.All.LessThanOrEqualTo(1000));
        Assert.That(plan.Summary.ScriptedWait, Is.GreaterThan(before.Summary.ScriptedWait));
    }

    [Test]
    public void A_rate_under_100_bytes_per_second_sends_one_byte_at_a_time()
    {
        var plan = TestStreams.Plan(TestStreams.Lf, new BandwidthFault(new() { BytesPerSecond = 50 }));
        Assert.That(plan.Chunks.Select(c => c.Data.Length), Is.All.EqualTo(1));
        Assert.That(plan.Chunks[1].DelayBefore, Is.EqualTo(TimeSpan.FromMilliseconds(20)));
    }
}
