using TinyAgent.Harness.Plan.Faults;
using TinyAgent.Harness.Recordings;

namespace TinyAgent.Harness.Tests.Faults;

internal sealed class DoneMarkerFaultTests
{
    [Test]
    public void Done_marker_follows_message_stop_with_no_event_line_in_the_bodys_line_ending()
    {
        var plan = TestStreams.Plan(TestStreams.Crlf, new DoneMarkerFault(new()));

        Assert.That(TestStreams.Text(plan.Body), Does.EndWith("data: {\"type\":\"message_stop\"          }\r\n\r\ndata: [DONE]\r\n\r\n: keep-alive\r\n\r\n"));
        Assert.That(plan.Facts.WireVariants, Is.EqualTo(new[] { "done-marker" }));
        Assert.That(plan.Expected!.Blocks, Is.EqualTo(TestStreams.Crlf.Expected.Blocks));
        Assert.That((plan.Expected.IsComplete, plan.Expected.EventCount), Is.EqualTo((true, TestStreams.Crlf.Expected.EventCount)), "the reference reader ignores [DONE]");
    }

    [Test]
    public void Done_marker_is_added_after_the_content_faults_have_written_the_ending()
    {
        // Listed first, but the Wire stage runs after max-tokens rewrote the ending.
        var plan = TestStreams.Plan(TestStreams.Lf, new DoneMarkerFault(new()), new MaxTokensFault(new() { AfterTextDeltas = 2 }));

        Assert.That(TestStreams.Text(plan.Body), Does.EndWith("data: {\"type\":\"message_stop\"}\n\ndata: [DONE]\n\n"));
        Assert.That(plan.Expected!.StopReason, Is.EqualTo("max_tokens"));
    }

    [Test]
    public void A_body_without_message_stop_gets_no_marker_and_reports_nothing()
    {
        var plan = TestStreams.Plan(TestStreams.Lf, new DoneMarkerFault(new()), new ErrorEventFault(new() { AfterEvents = 3 }));

        Assert.That(TestStreams.Text(plan.Body), Does.Not.Contain("[DONE]"));
        Assert.That(plan.Facts.WireVariants, Is.Empty);
    }

    [Test]
    public void The_reference_reader_skips_a_litellm_style_done_event_too()
    {
        byte[] body = [.. TestStreams.Lf.Body, .. "event: done\ndata: [DONE]\n\n"u8.ToArray()];
        Assert.That(ReferenceReader.Read(body).EventCount, Is.EqualTo(TestStreams.Lf.Expected.EventCount));
    }
}
