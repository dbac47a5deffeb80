using TinyAgent.Harness.Plan.Faults;
using TinyAgent.Harness.Recordings;

namespace TinyAgent.Harness.Tests.Faults;

internal sealed class BomFaultTests
{
    [Test]
    public void Bom_is_the_first_three_bytes_and_a_correct_reader_drops_it()
    {
        var plan = TestStreams.Plan(TestStreams.Lf, new BomFault(new()));

        Assert.That(plan.Body[..3], Is.EqualTo(new byte[] { 0xEF, 0xBB, 0xBF }));
        Assert.That(plan.Body[3..], Is.EqualTo(TestStreams.Lf.Body));
        Assert.That(plan.Expected!.Blocks, Is.EqualTo(TestStreams.Lf.Expected.Blocks));
        Assert.That(plan.Expected.EventCount, Is.EqualTo(TestStreams.Lf.Expected.EventCount), "the first event is not lost");
        Assert.That(plan.Chunks[0].Data.Length, Is.EqualTo(3 + TestStreams.Lf.Layout.Frames[0].Length), "the BOM travels with the first frame");
        Assert.That(plan.Facts.WireVariants, Is.EqualTo(new[] { "bom" }));
        Assert.That(plan.Facts.CutsInsideFrames, Is.Zero);
    }

    [Test]
    public void Bom_split_cuts_the_bom_across_two_gapped_reads()
    {
        var plan = TestStreams.Plan(TestStreams.Crlf, new BomFault(new() { Split = true }));

        Assert.That(plan.Chunks[0].Data.ToArray(), Is.EqualTo(new byte[] { 0xEF, 0xBB }));
        Assert.That(plan.Chunks[1].Offset, Is.EqualTo(2));
        Assert.That(plan.Chunks[1].Separate, Is.True);
        Assert.That(plan.Chunks[1].Data.Span[0], Is.EqualTo(0xBF));
        Assert.That(plan.Summary.GappedCutsInsideFrames, Is.EqualTo(1));
        Assert.That(plan.Facts.WireVariants, Is.EqualTo(new[] { "bom-split" }));
        Assert.That(plan.Expected!.Text, Is.EqualTo(TestStreams.Crlf.Expected.Text));
    }

    [Test]
    public void Bom_moves_every_other_cut_and_wait_with_its_bytes()
    {
        IFault[] others = [new SplitFault(new()), new LatencyFault(new() { FirstByteMs = 50, BetweenChunksMs = 7, JitterMs = 0 })];
        var without = TestStreams.Plan(TestStreams.Unicode, others);
        var with = TestStreams.Plan(TestStreams.Unicode, [.. others, new BomFault(new())]);

        Assert.That(with.Chunks.Select(c => (c.Offset, c.DelayBefore, c.Separate)).Skip(1), Is.EqualTo(without.Chunks.Select(c => (c.Offset + 3, c.DelayBefore, c.Separate)).Skip(1)));
        Assert.That(with.Chunks[0].DelayBefore, Is.EqualTo(TimeSpan.FromMilliseconds(50)), "the wait before the first byte stays first");
        Assert.That(with.FrameEnds, Is.EqualTo(without.FrameEnds.Select(e => e + 3)));
    }

    [Test]
    public void A_body_that_already_has_a_bom_gets_no_second_one()
    {
        var recording = new Recording("bom", "bom.sse", [0xEF, 0xBB, 0xBF, .. TestStreams.Lf.Body], RecordingMeta.Default);
        var plan = TestStreams.Plan(recording, new BomFault(new()));

        Assert.That(plan.Body, Is.EqualTo(recording.Body));
        Assert.That(plan.Facts.WireVariants, Is.Empty);
    }
}
