using TinyAgent.Harness.Plan.Faults;

namespace TinyAgent.Harness.Tests.Faults;

internal sealed class TestStreamsTests
{
    [Test]
    public void Test_streams_are_complete_answers_the_reference_reader_accepts()
    {
        Assert.Multiple(() =>
        {
            Assert.That(TestStreams.Lf.Expected.Text, Is.EqualTo("Hello, world! How are you?"));
            Assert.That(TestStreams.Crlf.Expected.IsComplete, Is.True);
            Assert.That(TestStreams.Unicode.Expected.Blocks[1].Text, Is.EqualTo("{\"city\": \"東京\", \"n\": 42}"));
            Assert.That(TestStreams.Crlf.Layout.Frames.Count(f => f.EventType is null), Is.GreaterThan(5), "keep-alive comments are frames of their own");
        });
    }

    [Test]
    public void Without_a_chunking_fault_the_planner_sends_one_chunk_per_frame()
    {
        var plan = TestStreams.Plan(TestStreams.Lf);

        Assert.That(plan.Chunks.Select(c => c.End), Is.EqualTo(TestStreams.Lf.Layout.FrameEnds));
        Assert.That(plan.FaultDescriptions, Is.EqualTo(new[] { "per-frame" }));
        Assert.That(plan.Facts.CutsInsideFrames, Is.Zero);
        Assert.That(plan.Chunks.All(c => !c.Separate && c.DelayBefore == TimeSpan.Zero), Is.True);
    }

    [Test]
    public void Per_frame_fault_gives_the_same_chunks_as_the_default()
    {
        var plan = TestStreams.Plan(TestStreams.Crlf, new PerFrameChunkingFault(new()));

        Assert.That(plan.Chunks.Select(c => c.End), Is.EqualTo(TestStreams.Crlf.Layout.FrameEnds));
        Assert.That(TestStreams.Concat(plan), Is.EqualTo(TestStreams.Crlf.Body));
    }
}
