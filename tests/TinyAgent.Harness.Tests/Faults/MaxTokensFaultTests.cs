using TinyAgent.Harness.Plan.Faults;
using TinyAgent.Harness.Recordings;

namespace TinyAgent.Harness.Tests.Faults;

internal sealed class MaxTokensFaultTests
{
    [Test]
    public void Max_tokens_ends_early_with_a_well_formed_ending()
    {
        var plan = TestStreams.Plan(TestStreams.Lf, new MaxTokensFault(new() { AfterTextDeltas = 2 }));
        var read = ReferenceReader.Read(plan.Body);

        Assert.That(read.StopReason, Is.EqualTo("max_tokens"));
        Assert.That(read.HasMessageStop, Is.True);
        Assert.That(read.Text, Is.EqualTo("Hello, world"));
        Assert.That(read.TextDeltaCount, Is.EqualTo(2));
        Assert.That(plan.Facts.MaxTokensEnding, Is.True);
        Assert.That(plan.Expected!.IsComplete, Is.True, "a max_tokens ending is complete: only stop_reason tells");
    }

    [Test]
    public void Max_tokens_closes_every_open_block_once_and_keeps_the_line_ending()
    {
        var plan = TestStreams.Plan(TestStreams.Crlf, new MaxTokensFault(new() { AtFraction = 0.5 }));
        var events = TestStreams.EventTypes(plan.Body);

        Assert.That(events.Count(t => t == "content_block_start"), Is.EqualTo(events.Count(t => t == "content_block_stop")));
        Assert.That(events.TakeLast(3), Is.EqualTo(new[] { "content_block_stop", "message_delta", "message_stop" }));
        Assert.That(TestStreams.Text(plan.Body), Does.EndWith("event: message_stop\r\ndata: {\"type\":\"message_stop\"}\r\n\r\n"));
    }
}
