using System.Text;
using TinyAgent.Harness.Formats;
using TinyAgent.Harness.Recordings;

namespace TinyAgent.Harness.Tests.Recordings;

internal sealed class SseLayoutTests
{
    [TestCase("\n")]
    [TestCase("\r\n")]
    [TestCase("\r")]
    public void Frames_end_after_the_dispatching_blank_line_for_every_line_ending(string eol)
    {
        string body = $"event: ping{eol}data: {{}}{eol}{eol}: keep-alive{eol}{eol}event: x{eol}data: 1{eol}{eol}unfinished";
        var layout = SseLayout.Parse(Encoding.UTF8.GetBytes(body));

        Assert.That(layout.Frames.Select(f => f.EventType), Is.EqualTo(new[] { "ping", null, "x" }));
        Assert.That(layout.Frames[0].End, Is.EqualTo($"event: ping{eol}data: {{}}{eol}{eol}".Length));
        Assert.That(layout.TailStart, Is.EqualTo(body.Length - "unfinished".Length));
    }

    [Test]
    public void Reference_reader_derives_text_stop_reason_and_completeness()
    {
        const string body = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{}}\n\n" +
            "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n" +
            "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hé\"}}\n\n" +
            "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"max_tokens\"}}\n\n" +
            "event: message_stop\ndata: {\"type\":\"message_stop\"      }\n\n";
        var expected = ReferenceReader.Read(Encoding.UTF8.GetBytes(body));

        Assert.That(expected.Text, Is.EqualTo("Hé"));
        Assert.That(expected.StopReason, Is.EqualTo("max_tokens"));
        Assert.That(expected.IsComplete, Is.True);
        Assert.That(expected.TextDeltaCount, Is.EqualTo(1));
    }
}
