using System.Text;
using TinyAgent.Harness.Formats;
using TinyAgent.Harness.Model;
using TinyAgent.Harness.Recordings;

namespace TinyAgent.Harness.Tests.OpenAIChat;

[Parallelizable(ParallelScope.All)]
internal sealed class ChatReaderTests
{
    private static ExpectedResult Read(Recording r) => WireFormats.OpenAIChat.Read(r.Body);

    private static ExpectedResult Read(string body) => WireFormats.OpenAIChat.Read(Encoding.UTF8.GetBytes(body));

    [Test]
    public void Text_is_the_content_pieces_joined_in_block_0_and_done_ends_the_reply()
    {
        var read = Read(ChatStreams.Text);

        Assert.That(read.Blocks, Is.EqualTo(new[] { new ExpectedBlock(0, "text", "Hello, world! How are you?") }));
        Assert.That((read.StopReason, read.HasMessageStart, read.HasMessageStop, read.ErrorType), Is.EqualTo(("stop", true, true, (string?)null)));
        Assert.That((read.TextDeltaCount, read.EventCount), Is.EqualTo((6, 9)), "the role chunk's empty content is no text delta; [DONE] is an event");
        Assert.That(read.IsComplete, Is.True);
    }

    [Test]
    public void Each_tool_call_is_rebuilt_from_its_pieces_by_index_as_block_index_plus_one()
    {
        var read = Read(ChatStreams.Tools);

        Assert.That(read.Blocks, Is.EqualTo(new[]
        {
            new ExpectedBlock(1, "tool_use", "{\"city\":\"São Paulo\",\"n\":4}"),
            new ExpectedBlock(2, "tool_use", "{\"tz\":\"東京\"}"),
        }));
        Assert.That((read.Text, read.StopReason), Is.EqualTo(("", "tool_calls")), "content null is no text block");
    }

    [Test]
    public void Interleaved_pieces_of_parallel_calls_go_to_their_own_call()
    {
        var read = Read(
            "data: " + ChatStreams.Chunk("""{"tool_calls":[{"index":0,"id":"a","type":"function","function":{"name":"f","arguments":""}},{"index":1,"id":"b","type":"function","function":{"name":"g","arguments":"{"}}]}""") + "\n\n" +
            "data: " + ChatStreams.Chunk("""{"tool_calls":[{"index":1,"function":{"arguments":"}"}},{"index":0,"function":{"arguments":"{\"x\":1}"}}]}""") + "\n\n" +
            "data: [DONE]\n\n");

        Assert.That(read.Blocks.Select(b => (b.Index, b.Text)), Is.EqualTo(new[] { (1, "{\"x\":1}"), (2, "{}") }));
    }

    [Test]
    public void The_usage_chunk_and_padding_change_nothing()
    {
        var read = Read(ChatStreams.Usage);

        Assert.That((read.Text, read.StopReason, read.IsComplete), Is.EqualTo(("Token counts last.", "stop", true)));
    }

    [Test]
    public void Azures_empty_choices_and_filter_chunks_carry_no_text_and_keep_the_finish_reason()
    {
        var read = Read(ChatStreams.Azure);

        Assert.That((read.Text, read.StopReason, read.TextDeltaCount), Is.EqualTo(("Azure filters too.", "stop", 3)), "the annotation after the finish says null, which is not a reason");
    }

    [Test]
    public void An_error_object_is_the_streams_error_and_its_type_wins_over_its_numeric_code()
    {
        var read = Read(ChatStreams.VllmError);

        Assert.That((read.Text, read.ErrorType, read.HasMessageStop, read.IsComplete), Is.EqualTo(("The migration has", "InternalServerError", true, false)));
    }

    [TestCase("""{"error":{"message":"m","type":null,"param":null,"code":"rate_limit_exceeded"}}""", "rate_limit_exceeded")]
    [TestCase("""{"error":{"message":"m","code":429}}""", "429")]
    [TestCase("""{"error":"upstream went away"}""", "error")]
    public void An_error_without_a_type_is_named_by_its_code(string data, string type)
    {
        var read = Read($"data: {data}\n\ndata: [DONE]\n\n");

        Assert.That((read.ErrorType, read.HasMessageStart), Is.EqualTo((type, false)), "an error alone is no chunk");
    }

    [TestCase("""{"error":null}""")]
    [TestCase("""{"error":{}}""")]
    public void A_falsy_error_key_is_no_error_as_openai_python_reads_it(string data)
    {
        Assert.That(Read($"data: {data}\n\ndata: [DONE]\n\n").ErrorType, Is.Null);
    }

    [Test]
    public void Comments_crlf_and_data_without_a_space_read_as_the_plain_stream()
    {
        var read = Read(ChatStreams.CrlfComments);

        Assert.That((read.Text, read.StopReason, read.IsComplete), Is.EqualTo(("Line one and two", "stop", true)));
    }

    [Test]
    public void Reasoning_and_refusal_pieces_are_not_answer_text()
    {
        var read = Read(ChatStreams.Reasoning);

        Assert.That((read.Text, read.TextDeltaCount), Is.EqualTo(("Answer.", 2)));
    }

    [Test]
    public void Only_choice_0_is_read()
    {
        var read = Read(
            "data: " + ChatStreams.Chunk("""{"content":"zero"}""").Replace("\"index\":0", "\"index\":1", StringComparison.Ordinal).Replace("zero", "one", StringComparison.Ordinal) + "\n\n" +
            "data: " + ChatStreams.Chunk("""{"content":"zero"}""") + "\n\ndata: [DONE]\n\n");

        Assert.That(read.Text, Is.EqualTo("zero"));
    }

    [Test]
    public void A_cut_stream_has_no_end()
    {
        string body = ChatStreams.Utf8(ChatStreams.Text.Body);
        var read = Read(body[..body.IndexOf("data: [DONE]", StringComparison.Ordinal)]);

        Assert.That((read.HasMessageStop, read.StopReason, read.IsComplete), Is.EqualTo((false, "stop", false)));
    }

    [TestCase("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"unterminated\n\n", "event 1: data is not valid JSON")]
    [TestCase("data: [1,2]\n\n", "event 1 (chat.completion.chunk): data is a JSON array, not an object")]
    [TestCase("data: {\"choices\":{}}\n\n", "event 1 (chat.completion.chunk): field 'choices' must be a JSON array, not a JSON object")]
    [TestCase("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":7}}]}\n\n", "field 'content' must be a JSON string, not a JSON number")]
    [TestCase("data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"function\":{\"arguments\":\"{\"}}]}}]}\n\n", "a tool_calls piece has no 'index'")]
    [TestCase("data: {\"choices\":[{\"index\":-1}]}\n\n", "field 'choices[].index' must be a non-negative integer, not -1")]
    public void A_body_that_is_not_chat_completions_names_the_event_and_the_problem(string body, string message)
    {
        var ex = Assert.Throws<HarnessInputException>(() => Read(body));
        Assert.That(ex!.Message, Does.Contain(message));
    }

    [Test]
    public void Detection_finds_the_format_from_the_first_event_without_a_sidecar()
    {
        Assert.Multiple(() =>
        {
            foreach (var recording in ChatStreams.All)
            {
                Assert.That(WireFormats.Detect(recording.Body).Name, Is.EqualTo("openai-chat"), recording.Name);
            }

            Assert.That(WireFormats.Detect(Encoding.UTF8.GetBytes("event: message_start\ndata: {\"type\":\"message_start\"}\n\n")).Name, Is.EqualTo("anthropic"));
        });
    }

    [Test]
    public void A_recording_with_no_chunk_is_refused_with_what_it_has()
    {
        byte[] body = Encoding.UTF8.GetBytes("data: [DONE]\n\n");
        Assert.That(WireFormats.OpenAIChat.CheckRecording(SseLayout.Parse(body), body),
            Is.EqualTo("no chat.completion.chunk (its first data is [DONE]); a Chat Completions stream starts with a chunk or an error object"));
        Assert.That(WireFormats.OpenAIChat.CheckRecording(ChatStreams.VllmError.Layout, ChatStreams.VllmError.Body), Is.Null);
    }

    [Test]
    public void The_shared_recordings_load_and_read_if_present()
    {
        // Realism check against the OpenAI recordings when they are in this checkout (another branch writes them).
        string folder = Path.Combine(TinyAgent.Harness.Tests.Recordings.RepoPaths.RecordingsFolder, "openai");
        var files = Directory.Exists(folder) ? Directory.GetFiles(folder, "chat-*.sse") : [];
        if (files.Length == 0)
        {
            Assert.Ignore("no recordings/openai/chat-*.sse in this checkout");
        }

        Assert.Multiple(() =>
        {
            foreach (string file in files)
            {
                var recording = RecordingLoader.Load(file);
                Assert.That(recording.Format.Name, Is.EqualTo("openai-chat"), file);
                Assert.That(recording.Expected.HasMessageStart || recording.Expected.ErrorType is not null, Is.True, file);
            }
        });
    }
}
