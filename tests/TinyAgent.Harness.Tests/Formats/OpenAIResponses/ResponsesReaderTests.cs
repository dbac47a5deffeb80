using System.Text;
using TinyAgent.Harness.Formats;
using TinyAgent.Harness.Model;
using TinyAgent.Harness.Tests.Faults;

namespace TinyAgent.Harness.Tests.OpenAIResponses;

internal sealed class ResponsesReaderTests
{
    private static readonly IWireFormat Format = WireFormats.Find("openai-responses")!;

    private static ExpectedResult Read(string body) => Format.Read(Encoding.UTF8.GetBytes(body));

    [Test]
    public void A_text_stream_reads_as_one_text_block_per_message_item_with_status_completed()
    {
        var read = Format.Read(ResponsesStreams.Text.Body);

        Assert.That(read.Blocks, Is.EqualTo(new[] { new ExpectedBlock(0, "text", "Hello, wörld 🌍!") }));
        Assert.That((read.StopReason, read.HasMessageStart, read.HasMessageStop, read.ErrorType), Is.EqualTo(("completed", true, true, (string?)null)));
        Assert.That((read.TextDeltaCount, read.EventCount), Is.EqualTo((4, 12)));
        Assert.That(StopReasons.Meaning(read.StopReason), Is.EqualTo("stop"));
    }

    [Test]
    public void Function_call_arguments_are_the_joined_deltas_of_a_tool_use_block()
    {
        var read = Format.Read(ResponsesStreams.FunctionCall.Body);

        Assert.That(read.Blocks, Is.EqualTo(new[] { new ExpectedBlock(0, "tool_use", "{\"city\":\"Reykjavík\",\"unit\":\"celsius\"}") }));
        Assert.That(read.Text, Is.Empty);
        Assert.That(read.IsComplete, Is.True);
    }

    [Test]
    public void Reasoning_summaries_are_a_reasoning_block_and_the_answer_is_output_item_1()
    {
        var read = Format.Read(ResponsesStreams.Reasoning.Body);

        Assert.That(read.Blocks.Select(b => (b.Index, b.Type)), Is.EqualTo(new[] { (0, "reasoning"), (1, "text") }));
        Assert.That(read.Blocks[0].Text, Is.EqualTo("**Multiplying**\n\nThe user wants 27 × 453.Done: 12231."));
        Assert.That(read.Text, Is.EqualTo("27 × 453 = 12231"));
        Assert.That(read.TextDeltaCount, Is.EqualTo(3), "summary deltas are not answer text");
    }

    [Test]
    public void Response_incomplete_ends_the_reply_and_its_reason_is_the_stop_reason()
    {
        var read = Format.Read(ResponsesStreams.Incomplete.Body);

        Assert.That((read.StopReason, read.HasMessageStop, read.ErrorType), Is.EqualTo(("max_output_tokens", true, (string?)null)));
        Assert.That(StopReasons.IsLength(read.StopReason), Is.True);
    }

    [Test]
    public void Response_failed_is_an_error_with_its_code_and_no_end_event()
    {
        var read = Format.Read(ResponsesStreams.Failed.Body);

        Assert.That((read.ErrorType, read.HasMessageStop, read.StopReason), Is.EqualTo(("server_error", false, "failed")));
        Assert.That(read.Text, Is.EqualTo("To rotate the keys"), "the text before the failure is what a client holds");
        Assert.That(read.IsComplete, Is.False);
    }

    [TestCase("{\"type\":\"error\",\"sequence_number\":2,\"error\":{\"type\":\"too_many_requests\",\"code\":\"too_many_requests\",\"message\":\"Too Many Requests\",\"param\":null}}", "too_many_requests")]
    [TestCase("{\"type\":\"error\",\"sequence_number\":2,\"error\":{\"code\":\"server_is_overloaded\",\"message\":\"Overloaded\"}}", "server_is_overloaded")]
    [TestCase("{\"type\":\"error\",\"sequence_number\":2,\"code\":\"rate_limit_exceeded\",\"message\":\"Slow down\",\"param\":null}", "rate_limit_exceeded")]
    [TestCase("{\"type\":\"error\",\"sequence_number\":2,\"code\":null,\"message\":\"Slow down\",\"param\":null}", "error")]
    public void An_error_event_is_read_in_the_nested_shape_live_traffic_uses_and_in_the_documented_flat_one(string error, string type)
    {
        string created = TestStreams.Text(ResponsesStreams.Text.Body[..ResponsesStreams.Text.Layout.Frames[1].End]);

        var read = Read(created + "event: error\ndata: " + error + "\n\n");

        Assert.That((read.ErrorType, read.HasMessageStart, read.HasMessageStop), Is.EqualTo((type, true, false)));
    }

    [Test]
    public void A_gateways_done_marker_and_unknown_event_types_change_nothing()
    {
        string varied = TestStreams.Text(ResponsesStreams.Text.Body) +
            "event: response.future_event\ndata: {\"type\":\"response.future_event\",\"sequence_number\":12,\"payload\":{}}\n\n" +
            "data: [DONE]\n\n";

        var read = Read(varied);

        Assert.That(Same(read), Is.EqualTo(Same(Format.Read(ResponsesStreams.Text.Body))));
        Assert.That(read.EventCount, Is.EqualTo(13), "the unknown event counts, the marker does not");
    }

    [Test]
    public void Event_names_may_be_missing_when_a_gateway_drops_them_the_data_type_is_enough()
    {
        string dataOnly = string.Join("\n", TestStreams.Text(ResponsesStreams.Text.Body).Split('\n').Where(l => !l.StartsWith("event:", StringComparison.Ordinal)));

        Assert.That(Read(dataOnly).Text, Is.EqualTo("Hello, wörld 🌍!"));
    }

    [TestCase(3, 5, "event 4 (response.content_part.added): sequence_number 5 follows 2; it goes up by one")]
    [TestCase(3, 2, "event 4 (response.content_part.added): sequence_number 2 follows 2; it goes up by one")]
    public void Sequence_numbers_must_go_up_by_one(int old, int replacement, string message)
    {
        string body = TestStreams.Text(ResponsesStreams.Text.Body).Replace($"\"sequence_number\":{old},", $"\"sequence_number\":{replacement},", StringComparison.Ordinal);

        Assert.That(() => Read(body), Throws.TypeOf<HarnessInputException>().With.Message.EqualTo(message));
    }

    [TestCase("event: response.created\ndata: {\"type\":\"response.completed\",\"sequence_number\":0}\n\n", "event 1 (response.completed): the event line names 'response.created' but the data's type is 'response.completed'")]
    [TestCase("event: response.created\ndata: {\"type\":\"response.created\",\"sequence_number\":0,\"response\":{}}\n\nevent: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"sequence_number\":1,\"output_index\":0,\"delta\":\"x\"}\n\n", "event 2 (response.output_text.delta): a delta for output item 0, which was never added")]
    [TestCase("event: response.created\ndata: {\"type\":\"response.created\",\"sequence_number\":0,\"response\":{}}\n\nevent: response.output_item.added\ndata: {\"type\":\"response.output_item.added\",\"sequence_number\":1,\"output_index\":0,\"item\":{\"id\":\"x\"}}\n\n", "event 2 (response.output_item.added): missing field 'item.type'")]
    [TestCase("event: response.created\ndata: {\"type\":\"response.created\",\"sequence_number\":0,\"response\":{}}\n\nevent: response.completed\ndata: {\"type\":\"response.completed\",\"sequence_number\":1}\n\n", "event 2 (response.completed): missing field 'response'")]
    [TestCase("event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"delta\":\"unterminated\n\n", "event 1 (response.output_text.delta): data is not valid JSON: ")]
    [TestCase("data: {\"sequence_number\":0}\n\n", "event 1: no event name and no field 'type'")]
    public void A_body_that_is_not_a_responses_stream_is_refused_naming_the_event(string body, string message)
    {
        Assert.That(() => Read(body), Throws.TypeOf<HarnessInputException>().With.Message.StartsWith(message));
    }

    [Test]
    public void Streams_are_recognized_by_their_first_event_and_anthropic_ones_are_not()
    {
        Assert.Multiple(() =>
        {
            foreach (var recording in ResponsesStreams.All)
            {
                Assert.That(WireFormats.Detect(recording.Body).Name, Is.EqualTo("openai-responses"), recording.Name);
                Assert.That(recording.Format.Name, Is.EqualTo("openai-responses"), recording.Name);
            }

            foreach (var recording in TestStreams.All)
            {
                Assert.That(WireFormats.Detect(recording.Body).Name, Is.EqualTo("anthropic"), recording.Name);
            }

            Assert.That(Format.Recognizes("error", "{\"type\":\"error\",\"sequence_number\":0,\"error\":{\"type\":\"too_many_requests\"}}"), Is.True);
            Assert.That(Format.Recognizes("error", "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}"), Is.False);
            Assert.That(Format.Recognizes("message", "{\"type\":\"response.created\",\"sequence_number\":0}"), Is.True);
            Assert.That(Format.Recognizes("message", "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\"}"), Is.False);
            Assert.That(Format.Recognizes("message", "[DONE]"), Is.False);
        });
    }

    [Test]
    public void A_recording_needs_response_created_or_an_error_first()
    {
        byte[] noStart = Encoding.UTF8.GetBytes("event: response.in_progress\ndata: {\"type\":\"response.in_progress\",\"sequence_number\":0,\"response\":{}}\n\n");
        byte[] errorFirst = Encoding.UTF8.GetBytes("event: error\ndata: {\"type\":\"error\",\"sequence_number\":0,\"error\":{\"type\":\"too_many_requests\",\"code\":\"too_many_requests\",\"message\":\"Too Many Requests\",\"param\":null}}\n\n");

        Assert.That(Format.CheckRecording(SseLayout.Parse(noStart), noStart),
            Is.EqualTo("no response.created event (the first event is 'response.in_progress'); a Responses stream starts with one or with an error event"));
        Assert.That(Format.CheckRecording(SseLayout.Parse(errorFirst), errorFirst), Is.Null);
        Assert.That(ResponsesStreams.All.Select(r => Format.CheckRecording(r.Layout, r.Body)), Is.All.Null);
    }

    private static object Same(ExpectedResult r) => (string.Join("|", r.Blocks), r.StopReason, r.HasMessageStart, r.HasMessageStop, r.ErrorType, r.TextDeltaCount);
}
