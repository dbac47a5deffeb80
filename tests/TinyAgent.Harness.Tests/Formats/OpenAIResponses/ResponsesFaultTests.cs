using System.Globalization;
using System.Text.RegularExpressions;
using System.Text.Json;
using TinyAgent.Harness.Plan;
using TinyAgent.Harness.Plan.Faults;
using TinyAgent.Harness.Formats;
using TinyAgent.Harness.Recordings;
using TinyAgent.Harness.Tests.Faults;

namespace TinyAgent.Harness.Tests.OpenAIResponses;

/// <summary>Each content fault on a Responses stream, with the bytes it writes: numbered on, in the body's line ending.</summary>
internal sealed class ResponsesFaultTests
{
    private const string Response = "\"id\":\"resp_01\",\"object\":\"response\",\"created_at\":1756154357";

    private static ReplayPlan Plan(Recording recording, params IFault[] faults) => TestStreams.Plan(recording, faults);

    private static string Text(ReplayPlan plan) => TestStreams.Text(plan.Body);

    /// <summary>The body up to the end of its <paramref name="events"/>-th event.</summary>
    private static string Head(Recording recording, int events) => TestStreams.Text(recording.Body[..recording.Layout.Frames[events - 1].End]);

    /// <summary>Every sequence_number in the body, in order.</summary>
    private static List<long> Sequence(byte[] body) => [.. SseFrames.EventFrames(body, SseLayout.Parse(body))
        .Select(f => SseFrames.Data(body, f))
        .Where(d => d.StartsWith('{'))
        .Select(d => JsonDocument.Parse(d).RootElement.GetProperty("sequence_number").GetInt64())];

    [Test]
    public void Error_event_writes_the_nested_error_numbered_after_the_kept_events_and_ends_there()
    {
        var plan = Plan(ResponsesStreams.Text, new ErrorEventFault(new() { AfterEvents = 5, Type = "too_many_requests", Message = "Too Many Requests" }));

        Assert.That(Text(plan), Is.EqualTo(Head(ResponsesStreams.Text, 5) +
            "event: error\ndata: {\"type\":\"error\",\"sequence_number\":5,\"error\":{\"type\":\"too_many_requests\",\"code\":\"too_many_requests\",\"message\":\"Too Many Requests\",\"param\":null}}\n\n"));
        Assert.That((plan.Expected!.ErrorType, plan.Expected.HasMessageStop, plan.Expected.Text), Is.EqualTo(("too_many_requests", false, "Hello")));
        Assert.That(plan.Facts.InjectedErrorType, Is.EqualTo("too_many_requests"));
    }

    [Test]
    public void Error_event_first_is_sequence_0_in_the_bodys_line_ending_and_still_a_responses_stream()
    {
        var plan = Plan(ResponsesStreams.Crlf, new ErrorEventFault(new() { AfterEvents = 0 }));

        Assert.That(Text(plan), Is.EqualTo("event: error\r\ndata: {\"type\":\"error\",\"sequence_number\":0,\"error\":{\"type\":\"overloaded_error\",\"code\":\"overloaded_error\",\"message\":\"Overloaded\",\"param\":null}}\r\n\r\n"));
        Assert.That(WireFormats.Detect(plan.Body).Name, Is.EqualTo("openai-responses"));
        Assert.That(plan.Expected!.HasMessageStart, Is.False);
    }

    [Test]
    public void Max_tokens_closes_the_open_text_and_ends_with_response_incomplete()
    {
        var plan = Plan(ResponsesStreams.Text, new MaxTokensFault(new() { AfterTextDeltas = 2 }));
        const string Item = "{\"id\":\"msg_01\",\"type\":\"message\",\"status\":\"incomplete\",\"content\":[{\"type\":\"output_text\",\"annotations\":[],\"logprobs\":[],\"text\":\"Hello, wörld\"}],\"role\":\"assistant\"}";

        Assert.That(Text(plan), Is.EqualTo(Head(ResponsesStreams.Text, 6) +
            "event: response.output_text.done\ndata: {\"type\":\"response.output_text.done\",\"sequence_number\":6,\"item_id\":\"msg_01\",\"output_index\":0,\"content_index\":0,\"text\":\"Hello, wörld\",\"logprobs\":[]}\n\n" +
            "event: response.content_part.done\ndata: {\"type\":\"response.content_part.done\",\"sequence_number\":7,\"item_id\":\"msg_01\",\"output_index\":0,\"content_index\":0,\"part\":{\"type\":\"output_text\",\"annotations\":[],\"logprobs\":[],\"text\":\"Hello, wörld\"}}\n\n" +
            "event: response.output_item.done\ndata: {\"type\":\"response.output_item.done\",\"sequence_number\":8,\"output_index\":0,\"item\":" + Item + "}\n\n" +
            "event: response.incomplete\ndata: {\"type\":\"response.incomplete\",\"sequence_number\":9,\"response\":{" + Response +
            ",\"status\":\"incomplete\",\"error\":null,\"incomplete_details\":{\"reason\":\"max_output_tokens\"},\"max_output_tokens\":2,\"model\":\"gpt-4.1-2025-04-14\",\"output\":[" + Item +
            "],\"usage\":{\"input_tokens\":0,\"input_tokens_details\":{\"cached_tokens\":0},\"output_tokens\":2,\"output_tokens_details\":{\"reasoning_tokens\":0},\"total_tokens\":2}}}\n\n"));
        Assert.That((plan.Expected!.StopReason, plan.Expected.HasMessageStop, plan.Expected.Text), Is.EqualTo(("max_output_tokens", true, "Hello, wörld")));
        Assert.That(plan.Facts.MaxTokensEnding, Is.True);
    }

    [Test]
    public void Max_tokens_after_a_reasoning_item_closes_only_the_message_and_lists_both_items()
    {
        var plan = Plan(ResponsesStreams.Reasoning, new MaxTokensFault(new() { AfterTextDeltas = 1 }));
        var types = TestStreams.EventTypes(plan.Body);

        Assert.That(types.TakeLast(4), Is.EqualTo(new[] { "response.output_text.done", "response.content_part.done", "response.output_item.done", "response.incomplete" }));
        Assert.That(types.Count(t => t == "response.output_item.added"), Is.EqualTo(types.Count(t => t == "response.output_item.done")));
        using var incomplete = JsonDocument.Parse(SseFrames.Data(plan.Body, SseLayout.Parse(plan.Body).Frames[^1]));
        var output = incomplete.RootElement.GetProperty("response").GetProperty("output");
        Assert.That(output.EnumerateArray().Select(i => i.GetProperty("type").GetString()), Is.EqualTo(new[] { "reasoning", "message" }));
        Assert.That(plan.Expected!.Blocks.Select(b => (b.Type, b.Text)), Is.EqualTo(new[] { ("reasoning", ResponsesStreams.Reasoning.Expected.Blocks[0].Text), ("text", "27 × 453") }));
    }

    [Test]
    public void Tool_cut_leaves_the_function_call_open_and_ends_with_response_incomplete()
    {
        var plan = Plan(ResponsesStreams.FunctionCall, new ToolCutFault(new()));
        var types = TestStreams.EventTypes(plan.Body);

        Assert.That(Text(plan), Does.StartWith(Head(ResponsesStreams.FunctionCall, 5)));
        Assert.That(types.Skip(5), Is.EqualTo(new[] { "response.incomplete" }), "no arguments.done, no output_item.done");
        Assert.That(Text(plan), Does.Contain("\"output\":[{\"id\":\"fc_01\",\"type\":\"function_call\",\"status\":\"incomplete\",\"arguments\":\"{\\\"city\\\":\\\"Reykj\",\"call_id\":\"call_01\",\"name\":\"get_weather\"}]"));
        Assert.That(plan.Expected!.Blocks, Is.EqualTo(new[] { new Model.ExpectedBlock(0, "tool_use", "{\"city\":\"Reykj") }));
        Assert.That((plan.Expected.StopReason, plan.Facts.ToolCut), Is.EqualTo(("max_output_tokens", true)));
        Assert.That(Sequence(plan.Body), Is.EqualTo(Enumerable.Range(0, 6)));
    }

    [TestCase("ping")]
    [TestCase("comment")]
    public void Stall_keepalives_are_sse_comments(string keepalive)
    {
        var plan = Plan(ResponsesStreams.Crlf, new StallFault(new() { AfterEvents = 4, Keepalive = keepalive, EveryMs = 100 }));

        Assert.That(TestStreams.Text(plan.Stall!.Keepalive.ToArray()), Is.EqualTo(": keep-alive\r\n\r\n"));
        Assert.That(SseFrames.EventFrames(plan.Body, SseLayout.Parse(plan.Body)), Has.Count.EqualTo(4));
    }

    [Test]
    public void Pause_carries_the_wait_with_comments_and_loses_nothing()
    {
        var plan = Plan(ResponsesStreams.Text, new PauseFault(new() { Ms = 1000, EveryMs = 250, AfterEvents = 4 }));
        const string Comment = ": keep-alive\n\n";

        Assert.That(Text(plan), Is.EqualTo(Head(ResponsesStreams.Text, 4) + Comment + Comment + Comment + TestStreams.Text(ResponsesStreams.Text.Body[ResponsesStreams.Text.Layout.Frames[3].End..])));
        Assert.That((plan.Expected!.Text, plan.Expected.EventCount, plan.Expected.IsComplete), Is.EqualTo((ResponsesStreams.Text.Expected.Text, 12, true)));
    }

    [Test]
    public void Unknown_types_are_two_future_events_in_the_open_item_and_every_later_event_is_renumbered()
    {
        var plan = Plan(ResponsesStreams.Text, new GarbageFault(new() { Modes = ["unknown-types"], AfterEvents = 2 }));

        string rest = TestStreams.Text(ResponsesStreams.Text.Body[ResponsesStreams.Text.Layout.Frames[4].End..]);
        string renumbered = Regex.Replace(rest, "\"sequence_number\":(\\d+)", m => $"\"sequence_number\":{int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) + 2}");

        Assert.That(Text(plan), Is.EqualTo(Head(ResponsesStreams.Text, 5) +
            "event: response.future_event\ndata: {\"type\":\"response.future_event\",\"sequence_number\":5,\"payload\":{\"kind\":\"future_event_type\"}}\n\n" +
            "event: response.future_item_event\ndata: {\"type\":\"response.future_item_event\",\"sequence_number\":6,\"item_id\":\"msg_01\",\"output_index\":0,\"delta\":\"ignore me\"}\n\n" +
            renumbered));
        Assert.That(Sequence(plan.Body), Is.EqualTo(Enumerable.Range(0, 14)));
        Assert.That(plan.Expected!.Text, Is.EqualTo("Hello, wörld 🌍!"));
        Assert.That(plan.Expected.IsComplete, Is.True);
        Assert.That(plan.Facts.Garbage, Is.False, "unknown types are a lossless variation, not garbage");
        Assert.That(plan.Facts.WireVariants, Is.EqualTo(new[] { "unknown-types" }));
    }

    [Test]
    public void Unknown_types_and_invalid_json_together_make_an_unreadable_body()
    {
        var plan = Plan(ResponsesStreams.FunctionCall, new GarbageFault(new() { AfterEvents = 3 }));

        Assert.That(Text(plan), Does.Contain("event: response.future_item_event\ndata: {\"type\":\"response.future_item_event\",\"sequence_number\":5,\"item_id\":\"fc_01\",\"output_index\":0,"));
        Assert.That(Text(plan), Does.Contain(
            "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"item_id\":\"msg_garbage\",\"output_index\":0,\"content_index\":0,\"delta\":\"unterminated\n\n"));
        Assert.That((plan.Expected, plan.Facts.Garbage), Is.EqualTo(((Model.ExpectedResult?)null, true)));
    }

    [Test]
    public void Done_marker_follows_response_completed_and_changes_no_reading()
    {
        var plan = Plan(ResponsesStreams.Text, new DoneMarkerFault(new()));

        Assert.That(Text(plan), Is.EqualTo(TestStreams.Text(ResponsesStreams.Text.Body) + "data: [DONE]\n\n"));
        Assert.That(plan.Expected!.Text, Is.EqualTo(ResponsesStreams.Text.Expected.Text));
        Assert.That(plan.Facts.WireVariants, Is.EqualTo(new[] { "done-marker" }));
    }

    [Test]
    public void Done_marker_also_follows_response_incomplete_and_not_response_failed()
    {
        Assert.That(Text(Plan(ResponsesStreams.Incomplete, new DoneMarkerFault(new()))), Does.EndWith("}}\n\ndata: [DONE]\n\n"));
        Assert.That(Plan(ResponsesStreams.Failed, new DoneMarkerFault(new())).Body, Is.EqualTo(ResponsesStreams.Failed.Body));
    }

    [Test]
    public void Slow_close_holds_the_connection_after_response_completed()
    {
        var plan = Plan(ResponsesStreams.Text, new SlowCloseFault(new() { HoldMs = 500 }));

        Assert.That((plan.Stall?.Hold, plan.Stall?.CompletesAfterHold, plan.Facts.SlowClose), Is.EqualTo(((TimeSpan?)TimeSpan.FromMilliseconds(500), (bool?)true, (TimeSpan?)TimeSpan.FromMilliseconds(500))));
        Assert.That(Plan(ResponsesStreams.Failed, new SlowCloseFault(new())).Stall, Is.Null, "a failed response has no end event to hold after");
    }

    [Test]
    public void Events_are_classified_for_the_faults()
    {
        var recording = ResponsesStreams.Reasoning;
        var kinds = recording.Format.Events(recording.Body, recording.Layout).Select(e => (e.Kind, e.Block, e.BlockType)).ToList();

        Assert.That(kinds[0], Is.EqualTo((WireEventKind.Start, (int?)null, (string?)null)));
        Assert.That(kinds[2], Is.EqualTo((WireEventKind.BlockStart, (int?)0, "reasoning")));
        Assert.That(kinds[4], Is.EqualTo((WireEventKind.OtherDelta, (int?)0, (string?)null)));
        Assert.That(kinds.Count(k => k == (WireEventKind.TextDelta, 1, "text")), Is.EqualTo(3));
        Assert.That(kinds[^1], Is.EqualTo((WireEventKind.End, (int?)null, (string?)null)));
        var call = ResponsesStreams.FunctionCall.Format.Events(ResponsesStreams.FunctionCall.Body, ResponsesStreams.FunctionCall.Layout);
        Assert.That(call.Select(e => e.Kind), Has.Member(WireEventKind.ToolDelta).And.Member(WireEventKind.BlockStop));
        Assert.That(call[2].BlockType, Is.EqualTo("tool_use"));
        var failed = ResponsesStreams.Failed.Format.Events(ResponsesStreams.Failed.Body, ResponsesStreams.Failed.Layout);
        Assert.That(failed[^1].Kind, Is.EqualTo(WireEventKind.Error));
    }

    [Test]
    public void Every_fault_on_every_stream_keeps_the_numbering_consecutive()
    {
        IFault[] faults =
        [
            new ErrorEventFault(new()), new MaxTokensFault(new()), new ToolCutFault(new()), new GarbageFault(new() { Modes = ["unknown-types"] }),
            new DoneMarkerFault(new()), new PauseFault(new() { Ms = 10, EveryMs = 5 }), new SplitFault(new()),
        ];
        Assert.Multiple(() =>
        {
            foreach (var recording in ResponsesStreams.All)
            {
                foreach (var fault in faults)
                {
                    var plan = Plan(recording, fault);
                    Assert.That(plan.Expected, Is.Not.Null, $"{fault.GetType().Name} on {recording.Name}: the reference reader checks the numbering");
                    Assert.That(Sequence(plan.Body), Is.EqualTo(Enumerable.Range(0, Sequence(plan.Body).Count)), $"{fault.GetType().Name} on {recording.Name}");
                }
            }
        });
    }
}
