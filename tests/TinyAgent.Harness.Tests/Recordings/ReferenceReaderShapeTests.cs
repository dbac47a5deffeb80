using System.Text;
using TinyAgent.Harness.Recordings;
using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Tests.Recordings;

internal sealed class ReferenceReaderShapeTests
{
    private const string Start = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{}}\n\n";

    [TestCase("{\"type\":\"content_block_start\",\"index\":0}", "event 2 (content_block_start): missing field 'content_block'")]
    [TestCase("{\"type\":\"content_block_start\",\"index\":0,\"content_block\":[]}", "event 2 (content_block_start): field 'content_block' must be an object, not a JSON array")]
    [TestCase("{\"type\":\"content_block_start\",\"index\":-1,\"content_block\":{\"type\":\"text\"}}", "event 2 (content_block_start): field 'index' must be a non-negative integer, not a JSON number (-1)")]
    [TestCase("{\"type\":\"content_block_start\",\"index\":1.5,\"content_block\":{\"type\":\"text\"}}", "event 2 (content_block_start): field 'index' must be a non-negative integer, not a JSON number (1.5)")]
    [TestCase("{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{}}", "event 2 (content_block_start): missing field 'content_block.type'")]
    [TestCase("{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":null}}", "event 2 (content_block_start): field 'content_block.text' must be a string, not a JSON null")]
    [TestCase("{\"type\":\"message_delta\",\"delta\":\"end_turn\"}", "event 2 (message_delta): field 'delta' must be an object, not a JSON string")]
    [TestCase("\"message_stop\"", "event 2 (x): data is a JSON string, not an object")]
    public void Malformed_shapes_name_the_event_and_the_field(string data, string message)
    {
        byte[] body = Encoding.UTF8.GetBytes(Start + $"event: x\ndata: {data}\n\n");
        var ex = Assert.Throws<HarnessInputException>(() => ReferenceReader.Read(body));
        Assert.That(ex!.Message, Is.EqualTo(message));
    }

    [Test]
    public void Error_event_without_an_error_object_still_counts_as_an_error()
    {
        byte[] body = Encoding.UTF8.GetBytes(Start + "event: error\ndata: {\"type\":\"error\",\"error\":\"boom\"}\n\n");
        Assert.That(ReferenceReader.Read(body).ErrorType, Is.EqualTo("error"));
    }

    [Test]
    public void An_error_as_the_first_event_gives_no_text_its_error_type_and_no_message_stop()
    {
        byte[] body = Encoding.UTF8.GetBytes(": keep-alive\n\nevent: ping\ndata: {\"type\": \"ping\"}\n\n"
            + "event: error\ndata: {\"type\":\"error\",\"error\":{\"details\":null,\"type\":\"overloaded_error\",\"message\":\"Overloaded\"},\"request_id\":\"req_011x\"              }\n\n");

        var expected = ReferenceReader.Read(body);

        Assert.That(expected.Text, Is.Empty);
        Assert.That(expected.Blocks, Is.Empty);
        Assert.That(expected.ErrorType, Is.EqualTo("overloaded_error"));
        Assert.That(expected.HasMessageStart, Is.False);
        Assert.That(expected.HasMessageStop, Is.False);
        Assert.That(expected.StopReason, Is.Null);
        Assert.That(expected.EventCount, Is.EqualTo(2), "the ping and the error");
    }
}
