using TinyAgent.Harness.Plan;
using TinyAgent.Harness.Plan.Faults;

namespace TinyAgent.Harness.Tests.Faults;

/// <summary>fixed, random, bytewise and recorded (per-frame is covered in <see cref="TestStreamsTests"/>).</summary>
internal sealed class FixedChunkingFaultTests
{
    [Test]
    public void Fixed_chunks_are_size_bytes_except_the_last_and_lose_nothing()
    {
        var plan = TestStreams.Plan(TestStreams.Unicode, new FixedChunkingFault(new() { Size = 7 }));

        Assert.That(TestStreams.Concat(plan), Is.EqualTo(TestStreams.Unicode.Body));
        Assert.That(plan.Chunks.SkipLast(1).All(c => c.Data.Length == 7), Is.True);
        Assert.That(plan.Chunks[^1].Data.Length, Is.InRange(1, 7));
    }
}

internal sealed class RandomChunkingFaultTests
{
    [Test]
    public void Random_chunks_stay_between_min_and_max_and_lose_nothing()
    {
        var plan = TestStreams.Plan(TestStreams.Crlf, new RandomChunkingFault(new() { Min = 3, Max = 9 }));

        Assert.That(TestStreams.Concat(plan), Is.EqualTo(TestStreams.Crlf.Body));
        Assert.That(plan.Chunks.SkipLast(1).Select(c => c.Data.Length), Is.All.InRange(3, 9));
    }

    [Test]
    public void Same_seed_gives_the_same_cuts_and_another_seed_other_cuts()
    {
        var fault = new RandomChunkingFault(new() { Min = 1, Max = 16 });
        int[] Cuts(int seed) => [.. FaultPlanner.Plan(TestStreams.Lf, [fault], 1, seed).Chunks.Select(c => c.Offset)];

        Assert.That(Cuts(7), Is.EqualTo(Cuts(7)));
        Assert.That(Cuts(7), Is.Not.EqualTo(Cuts(8)));
    }
}

internal sealed class BytewiseChunkingFaultTests
{
    [Test]
    public void Bytewise_sends_every_byte_as_its_own_chunk()
    {
        var plan = TestStreams.Plan(TestStreams.Unicode, new BytewiseChunkingFault(new()));

        Assert.That(plan.Chunks, Has.Count.EqualTo(TestStreams.Unicode.Body.Length));
        Assert.That(TestStreams.Concat(plan), Is.EqualTo(TestStreams.Unicode.Body));
    }
}

internal sealed class RecordedChunkingFaultTests
{
    [Test]
    public void Recorded_replays_the_timeline_boundaries_with_waits_divided_by_speed()
    {
        var plan = TestStreams.Plan(TestStreams.Timed, new RecordedChunkingFault(new() { Speed = 2 }));

        Assert.That(TestStreams.Concat(plan), Is.EqualTo(TestStreams.Timed.Body));
        Assert.That(plan.Chunks.Select(c => c.Offset), Is.EqualTo(TestStreams.Timed.Meta.Timeline!.Select(t => t.Offset)));
        Assert.That(plan.Chunks[0].DelayBefore, Is.EqualTo(TimeSpan.FromMilliseconds(150)));
        Assert.That(plan.Chunks.Skip(1).Select(c => c.DelayBefore), Is.All.EqualTo(TimeSpan.FromMilliseconds(10)));
    }

    [Test]
    public void Recorded_without_a_timeline_falls_back_to_one_chunk_per_frame()
    {
        var plan = TestStreams.Plan(TestStreams.Lf, new RecordedChunkingFault(new()));

        Assert.That(plan.Chunks.Select(c => c.End), Is.EqualTo(TestStreams.Lf.Layout.FrameEnds));
    }
}
