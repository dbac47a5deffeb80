using TinyAgent.Harness.Plan.Faults;

namespace TinyAgent.Harness.Tests.Faults;

internal sealed class StallFaultTests
{
    [Test]
    public void Stall_truncates_after_the_events_and_keeps_the_connection_open_silently()
    {
        var plan = TestStreams.Plan(TestStreams.Lf, new StallFault(new() { AfterEvents = 2 }));

        Assert.That(plan.Body, Is.EqualTo(TestStreams.Lf.Body[..TestStreams.Lf.Layout.Frames[1].End]));
        Assert.That(plan.Stall, Is.Not.Null);
        Assert.That(plan.Stall!.Every, Is.Null);
        Assert.That(plan.Facts.Stalls && plan.Facts.Truncated, Is.True);
        Assert.That(plan.End, Is.EqualTo(Model.StreamEnd.Complete));
    }

    [TestCase("ping", "event: ping\r\ndata: {\"type\": \"ping\"}\r\n\r\n")]
    [TestCase("comment", ": keep-alive\r\n\r\n")]
    public void Stall_keepalives_are_written_in_the_recordings_line_ending(string keepalive, string expected)
    {
        var plan = TestStreams.Plan(TestStreams.Crlf, new StallFault(new() { Keepalive = keepalive, EveryMs = 250 }));

        Assert.That(plan.Stall!.Every, Is.EqualTo(TimeSpan.FromMilliseconds(250)));
        Assert.That(TestStreams.Text(plan.Stall.Keepalive.ToArray()), Is.EqualTo(expected));
    }
}
