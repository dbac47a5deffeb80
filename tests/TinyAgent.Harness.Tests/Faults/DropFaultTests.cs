using TinyAgent.Harness.Model;
using TinyAgent.Harness.Plan.Faults;

namespace TinyAgent.Harness.Tests.Faults;

internal sealed class DropFaultTests
{
    [Test]
    public void Drop_after_events_truncates_at_a_frame_end_and_resets()
    {
        var plan = TestStreams.Plan(TestStreams.Lf, new DropFault(new() { AfterEvents = 3 }));

        Assert.That(plan.Body, Is.EqualTo(TestStreams.Lf.Body[..TestStreams.Lf.Layout.Frames[2].End]));
        Assert.That(plan.End, Is.EqualTo(StreamEnd.Reset));
        Assert.That(plan.Facts.Truncated, Is.True);
        Assert.That(plan.Facts.BytesDropped, Is.EqualTo(TestStreams.Lf.Body.Length - plan.Body.Length));
        Assert.That(plan.Expected!.HasMessageStop, Is.False);
    }

    [Test]
    public void Drop_mid_frame_with_clean_close_ends_inside_the_next_frame()
    {
        var plan = TestStreams.Plan(TestStreams.Lf, new DropFault(new() { AfterEvents = 3, MidFrame = true, Mode = "clean-close" }));
        var next = TestStreams.Lf.Layout.Frames[3];

        Assert.That(plan.Body.Length, Is.InRange(next.Start + 1, next.End - 1));
        Assert.That(plan.End, Is.EqualTo(StreamEnd.CleanClose));
        Assert.That(TestStreams.Concat(plan), Is.EqualTo(plan.Body));
    }

    [Test]
    public void Drop_after_bytes_keeps_exactly_that_many_bytes()
    {
        var plan = TestStreams.Plan(TestStreams.Unicode, new DropFault(new() { AfterBytes = 100 }));

        Assert.That(plan.Body, Is.EqualTo(TestStreams.Unicode.Body[..100]));
        Assert.That(plan.Facts.BytesDropped, Is.EqualTo(TestStreams.Unicode.Body.Length - 100));
    }
}
