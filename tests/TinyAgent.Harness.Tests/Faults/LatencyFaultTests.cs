using TinyAgent.Harness.Plan;
using TinyAgent.Harness.Plan.Faults;

namespace TinyAgent.Harness.Tests.Faults;

internal sealed class LatencyFaultTests
{
    [Test]
    public void Latency_waits_before_the_first_byte_and_between_chunks_without_touching_bytes()
    {
        var plan = TestStreams.Plan(TestStreams.Lf, new LatencyFault(new() { FirstByteMs = 300, BetweenChunksMs = 20, JitterMs = 0 }));

        Assert.That(TestStreams.Concat(plan), Is.EqualTo(TestStreams.Lf.Body));
        Assert.That(plan.Chunks[0].DelayBefore, Is.EqualTo(TimeSpan.FromMilliseconds(300)));
        Assert.That(plan.Chunks.Skip(1).Select(c => c.DelayBefore), Is.All.EqualTo(TimeSpan.FromMilliseconds(20)));
    }

    [Test]
    public void Jitter_comes_from_the_seed_and_stays_in_bounds()
    {
        var fault = new LatencyFault(new() { FirstByteMs = 0, BetweenChunksMs = 10, JitterMs = 30 });
        TimeSpan[] Delays(int seed) => [.. FaultPlanner.Plan(TestStreams.Lf, [fault], 1, seed).Chunks.Skip(1).Select(c => c.DelayBefore)];

        Assert.That(Delays(1), Is.EqualTo(Delays(1)));
        Assert.That(Delays(1), Is.Not.EqualTo(Delays(2)));
        Assert.That(Delays(1).Select(d => d.TotalMilliseconds), Is.All.InRange(10, 40));
    }
}
