using TinyAgent.Harness.Plan.Faults;

namespace TinyAgent.Harness.Tests.Faults;

internal sealed class SlowCloseFaultTests
{
    [Test]
    public void Slow_close_sends_the_whole_body_then_holds_the_connection_silently()
    {
        var plan = TestStreams.Plan(TestStreams.Lf, new SlowCloseFault(new() { HoldMs = 1500 }));

        Assert.That(plan.Body, Is.EqualTo(TestStreams.Lf.Body));
        Assert.That(plan.Stall, Is.Not.Null);
        Assert.That((plan.Stall!.Every, plan.Stall.Keepalive.Length, plan.Stall.Hold, plan.Stall.CompletesAfterHold), Is.EqualTo(((TimeSpan?)null, 0, (TimeSpan?)TimeSpan.FromMilliseconds(1500), true)));
        Assert.That(plan.Facts.SlowClose, Is.EqualTo(TimeSpan.FromMilliseconds(1500)));
        Assert.That((plan.Facts.Stalls, plan.Facts.Truncated, plan.Facts.BytesDropped), Is.EqualTo((false, false, 0)), "the body is complete");
        Assert.That(plan.Expected!.IsComplete, Is.True);
    }

    [Test]
    public void Without_hold_ms_the_connection_is_held_until_the_client_leaves()
    {
        var plan = TestStreams.Plan(TestStreams.Crlf, new SlowCloseFault(new()));

        Assert.That(plan.Stall!.Hold, Is.Null);
        Assert.That(plan.Facts.SlowClose, Is.EqualTo(Timeout.InfiniteTimeSpan));
    }

    [Test]
    public void A_stream_that_never_reaches_message_stop_is_left_alone()
    {
        var stalled = TestStreams.Plan(TestStreams.Lf, new StallFault(new() { AfterEvents = 2 }), new SlowCloseFault(new() { HoldMs = 10 }));
        var dropped = TestStreams.Plan(TestStreams.Lf, new DropFault(new() { AfterEvents = 4 }), new SlowCloseFault(new()));

        Assert.That(stalled.Stall!.CompletesAfterHold, Is.False, "the stall's own spec is kept");
        Assert.That(stalled.Facts.SlowClose, Is.Null);
        Assert.That((dropped.Stall, dropped.Facts.SlowClose), Is.EqualTo(((Plan.StallSpec?)null, (TimeSpan?)null)));
    }
}
