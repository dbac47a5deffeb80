using System.Text;
using TinyAgent.Harness.Plan.Faults;
using TinyAgent.Harness.Formats;
using TinyAgent.Harness.Model;
using static TinyAgent.Harness.Tests.OpenAIChat.ChatStreams;

namespace TinyAgent.Harness.Tests.OpenAIChat;

/// <summary>Each content fault on a Chat Completions stream, with the bytes it writes (no server).</summary>
[Parallelizable(ParallelScope.All)]
internal sealed class ChatFaultTests
{
    private const string LengthChunk =
        """{"id":"chatcmpl-Bj8fTest","object":"chat.completion.chunk","created":1750097775,"model":"gpt-4o-2024-08-06","system_fingerprint":"fp_test","choices":[{"index":0,"delta":{},"logprobs":null,"finish_reason":"length"}]}""";

    private static string Frames(string eol, params string[] chunks) => string.Concat(chunks.Select(c => $"data: {c}{eol}{eol}"));

    [Test]
    public void Error_event_writes_an_error_object_then_done_as_vllm_ends_the_stream()
    {
        var plan = Planned(Text, new ErrorEventFault(new() { AfterEvents = 3 }));

        Assert.That(ChatStreams.Utf8(plan.Body), Is.EqualTo(
            Frames("\n", Role(), Chunk("""{"content":"Hello"}"""), Chunk("""{"content":", world"}""")) +
            "data: {\"error\":{\"message\":\"Overloaded\",\"type\":\"overloaded_error\",\"param\":null,\"code\":null}}\n\ndata: [DONE]\n\n"));
        Assert.That((plan.Expected!.ErrorType, plan.Expected.HasMessageStop, plan.Expected.IsComplete, plan.Expected.Text), Is.EqualTo(("overloaded_error", true, false, "Hello, world")));
        Assert.That(plan.Facts.InjectedErrorType, Is.EqualTo("overloaded_error"));
    }

    [Test]
    public void Error_event_first_keeps_the_line_ending_and_the_type()
    {
        var plan = Planned(CrlfComments, new ErrorEventFault(new() { AfterEvents = 0, Type = "server_error", Message = "Ünïcode" }));

        Assert.That(ChatStreams.Utf8(plan.Body), Is.EqualTo("data: {\"error\":{\"message\":\"Ünïcode\",\"type\":\"server_error\",\"param\":null,\"code\":null}}\r\n\r\ndata: [DONE]\r\n\r\n"));
        Assert.That((plan.Expected!.ErrorType, plan.Expected.HasMessageStart), Is.EqualTo(("server_error", false)));
    }

    [Test]
    public void Max_tokens_ends_with_a_length_chunk_of_the_same_completion_then_done()
    {
        var plan = Planned(Text, new MaxTokensFault(new() { AfterTextDeltas = 2 }));

        Assert.That(ChatStreams.Utf8(plan.Body), Is.EqualTo(
            Frames("\n", Role(), Chunk("""{"content":"Hello"}"""), Chunk("""{"content":", world"}"""), LengthChunk, "[DONE]")));
        Assert.That((plan.Expected!.StopReason, plan.Expected.Text, plan.Expected.IsComplete), Is.EqualTo(("length", "Hello, world", true)));
        Assert.That(plan.Facts.MaxTokensEnding, Is.True);
    }

    [Test]
    public void Max_tokens_copies_the_chunks_fields_keeps_usage_null_and_drops_the_padding()
    {
        var plan = Planned(Usage, new MaxTokensFault(new() { AfterTextDeltas = 1 }));
        string body = ChatStreams.Utf8(plan.Body);

        Assert.That(body, Does.EndWith(
            "data: " + LengthChunk.Replace("}]}", "}],\"usage\":null}", StringComparison.Ordinal) + "\n\ndata: [DONE]\n\n"));
        Assert.That(body, Does.Not.Contain("prompt_tokens"), "the usage chunk comes only when the stream ends well");
    }

    [Test]
    public void Max_tokens_on_azure_takes_its_fields_from_a_chunk_with_an_id_not_a_filter_chunk()
    {
        var plan = Planned(Azure, new MaxTokensFault(new() { AfterTextDeltas = 3 }));

        Assert.That(ChatStreams.Utf8(plan.Body), Does.EndWith($"data: {LengthChunk}\n\ndata: [DONE]\n\n"));
        Assert.That((plan.Expected!.Text, plan.Expected.StopReason), Is.EqualTo(("Azure filters too.", "length")));
    }

    [Test]
    public void Tool_cut_keeps_part_of_the_first_calls_pieces_then_a_length_ending()
    {
        var plan = Planned(Tools, new ToolCutFault(new()));

        string kept = Chunk("""{"tool_calls":[{"index":0,"function":{"arguments":"y\":\"São Pau"}}]}""");
        Assert.That(ChatStreams.Utf8(plan.Body), Does.EndWith($"data: {kept}\n\ndata: {LengthChunk}\n\ndata: [DONE]\n\n"));
        Assert.That(plan.Expected!.Blocks, Is.EqualTo(new[] { new ExpectedBlock(1, "tool_use", "{\"city\":\"São Pau") }), "the second call never starts");
        Assert.That(plan.Expected.StopReason, Is.EqualTo("length"));
        Assert.That((plan.Facts.ToolCut, plan.Facts.MaxTokensEnding), Is.EqualTo((true, true)));
    }

    [Test]
    public void Tool_cut_leaves_a_stream_without_calls_alone()
    {
        var plan = Planned(Text, new ToolCutFault(new()));

        Assert.That(plan.Body, Is.EqualTo(Text.Body));
        Assert.That(plan.Facts.ToolCut, Is.False);
    }

    [TestCase("ping")]
    [TestCase("comment")]
    public void Stall_keepalives_are_sse_comments_in_the_streams_line_ending(string keepalive)
    {
        var plan = Planned(CrlfComments, new StallFault(new() { AfterEvents = 2, Keepalive = keepalive, EveryMs = 50 }));

        Assert.That(ChatStreams.Utf8(plan.Stall!.Keepalive.ToArray()), Is.EqualTo(": keep-alive\r\n\r\n"));
        Assert.That(plan.Expected!.HasMessageStop, Is.False);
    }

    [Test]
    public void Pause_inserts_comment_keepalives_and_leaves_the_answer_alone()
    {
        var plan = Planned(Text, new PauseFault(new() { Ms = 100, EveryMs = 40, AfterEvents = 2 }));
        int at = Text.Layout.Frames[1].End;

        Assert.That(plan.Body[..at], Is.EqualTo(Text.Body[..at]));
        Assert.That(ChatStreams.Utf8(plan.Body[at..(at + 28)]), Is.EqualTo(": keep-alive\n\n: keep-alive\n\n"));
        Assert.That(plan.Expected, Is.EqualTo(Text.Expected).Using<ExpectedResult>((a, b) => a.Text == b.Text && a.StopReason == b.StopReason && a.IsComplete == b.IsComplete));
    }

    [Test]
    public void Unknown_types_add_azures_empty_choices_chunk_and_unknown_fields_a_correct_reader_ignores()
    {
        var plan = Planned(Text, new GarbageFault(new() { Modes = ["unknown-types"], AfterEvents = 2 }));
        string body = ChatStreams.Utf8(plan.Body);
        int at = Text.Layout.Frames[1].End;

        Assert.That(body[..at], Is.EqualTo(ChatStreams.Utf8(Text.Body)[..at]));
        Assert.That(body[at..], Does.StartWith("data: {\"choices\":[],\"created\":0,\"id\":\"\",\"model\":\"\",\"object\":\"\",\"prompt_filter_results\":"));
        Assert.That(body, Does.Contain("data: {\"future_field\":{\"kind\":\"future\"},\"id\":\"chatcmpl-Bj8fTest\""));
        Assert.That(body, Does.Contain("\"delta\":{\"future_delta_field\":\"ignore me\",\"content\":\", world\"}"));
        Assert.That((plan.Expected!.Text, plan.Expected.StopReason, plan.Expected.IsComplete), Is.EqualTo((Text.Expected.Text, "stop", true)));
        Assert.That(plan.Facts.WireVariants, Is.EqualTo(new[] { "unknown-types" }));
        Assert.That(plan.Facts.Garbage, Is.False);
    }

    [Test]
    public void Unknown_types_in_an_empty_delta_stay_valid_json()
    {
        var plan = Planned(Tools, new GarbageFault(new() { Modes = ["unknown-types"], AfterEvents = 8 }));

        Assert.That(ChatStreams.Utf8(plan.Body), Does.Contain("\"delta\":{\"future_delta_field\":\"ignore me\"}"));
        Assert.That(plan.Expected!.Blocks, Is.EqualTo(Tools.Expected.Blocks));
    }

    [Test]
    public void Invalid_json_adds_a_cut_off_chunk_that_makes_the_body_unreadable()
    {
        var plan = Planned(Text, new GarbageFault(new() { Modes = ["invalid-json"], AfterEvents = 1 }));
        int at = Text.Layout.Frames[0].End;

        Assert.That(ChatStreams.Utf8(plan.Body[at..]), Does.StartWith(
            "data: {\"id\":\"chatcmpl-harness\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"unknown\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"unterminated\n\n"));
        Assert.That(plan.Expected, Is.Null);
        Assert.That(plan.Facts.Garbage, Is.True);
    }

    [Test]
    public void Done_marker_is_native_so_the_fault_does_nothing()
    {
        var plan = Planned(Text, new DoneMarkerFault(new()));

        Assert.That(plan.Body, Is.EqualTo(Text.Body));
        Assert.That(plan.Facts.WireVariants, Is.Empty);
        Assert.That(WireFormats.OpenAIChat.DoneMarker("\n"), Is.Null);
    }

    [Test]
    public void Slow_close_holds_a_stream_that_ends_with_done()
    {
        var plan = Planned(Text, new SlowCloseFault(new() { HoldMs = 300 }));

        Assert.That(plan.Facts.SlowClose, Is.EqualTo(TimeSpan.FromMilliseconds(300)));
        Assert.That(plan.Stall!.CompletesAfterHold, Is.True);
        Assert.That(Planned(VllmError, new DropFault(new() { AfterEvents = 2 }), new SlowCloseFault(new())).Facts.SlowClose, Is.Null, "a dropped stream has no end to hold after");
    }

    [Test]
    public void Events_classify_every_kind_of_chunk()
    {
        var events = WireFormats.OpenAIChat.Events(Reasoning.Body, Reasoning.Layout).Select(e => (e.Kind, e.Block, e.BlockType, e.Text)).ToList();

        Assert.That(events, Is.EqualTo(new (WireEventKind, int?, string?, string?)[]
        {
            (WireEventKind.Start, null, null, null),
            (WireEventKind.OtherDelta, null, null, null),
            (WireEventKind.OtherDelta, null, null, null),
            (WireEventKind.TextDelta, 0, "text", "Answer"),
            (WireEventKind.TextDelta, 0, "text", "."),
            (WireEventKind.OtherDelta, null, null, null),
            (WireEventKind.Finish, null, null, null),
            (WireEventKind.End, null, null, null),
        }));

        var tools = WireFormats.OpenAIChat.Events(Tools.Body, Tools.Layout).Select(e => (e.Kind, e.Block)).ToList();
        Assert.That(tools, Is.EqualTo(new (WireEventKind, int?)[]
        {
            (WireEventKind.BlockStart, 1), (WireEventKind.ToolDelta, 1), (WireEventKind.ToolDelta, 1), (WireEventKind.ToolDelta, 1), (WireEventKind.ToolDelta, 1),
            (WireEventKind.BlockStart, 2), (WireEventKind.ToolDelta, 2), (WireEventKind.ToolDelta, 2),
            (WireEventKind.Finish, null), (WireEventKind.End, null),
        }));

        var azure = WireFormats.OpenAIChat.Events(Azure.Body, Azure.Layout).Select(e => e.Kind).ToList();
        Assert.That(azure, Is.EqualTo(new[]
        {
            WireEventKind.Other, WireEventKind.Start, WireEventKind.TextDelta, WireEventKind.TextDelta, WireEventKind.Other,
            WireEventKind.TextDelta, WireEventKind.Finish, WireEventKind.Other, WireEventKind.End,
        }));

        var error = WireFormats.OpenAIChat.Events(VllmError.Body, VllmError.Layout).Select(e => e.Kind).ToList();
        Assert.That(error[^2..], Is.EqualTo(new[] { WireEventKind.Error, WireEventKind.End }));
    }

    [Test]
    public void A_chunk_with_content_and_a_finish_reason_is_a_text_delta()
    {
        byte[] body = Encoding.UTF8.GetBytes(Frames("\n", Role(), Chunk("""{"content":"all at once"}""", "\"stop\""), "[DONE]"));
        var events = WireFormats.OpenAIChat.Events(body, SseLayout.Parse(body));

        Assert.That(events.Select(e => e.Kind), Is.EqualTo(new[] { WireEventKind.Start, WireEventKind.TextDelta, WireEventKind.End }));
        Assert.That(WireFormats.OpenAIChat.Read(body).StopReason, Is.EqualTo("stop"), "the reader still takes its finish_reason");
    }
}
