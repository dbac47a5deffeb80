using System.Diagnostics;
using System.Net;
using System.Text;
using TinyAgent.Client.Tests.Support;

namespace TinyAgent.Client.Tests;

/// <summary>The client against a real WireMock.Net server over TCP on 127.0.0.1.</summary>
public sealed class WireBehaviourTests
{
    private SseTestServer _server = null!;
    private HttpClient _http = null!;

    [SetUp]
    public void SetUp()
    {
        _server = new SseTestServer();
        _http = Clients.Http();
    }

    [TearDown]
    public void TearDown()
    {
        _http.Dispose();
        _server.Dispose();
    }

    private MessagesClient Client(Func<MessagesClientOptions, MessagesClientOptions>? tweak = null)
    {
        var options = Clients.Options(_server.BaseUrl);
        return new MessagesClient(_http, tweak is null ? options : tweak(options));
    }

    [TestCase(1, 0)]
    [TestCase(25, 2)]
    [TestCase(120, 0)]
    public async Task A_stream_delivered_in_chunks_over_TCP_gives_the_expected_message(int chunks, int delayMs)
    {
        _server.Enqueue(ServerPlan.Sse(Streams.WithLineEnding(Streams.Text, "\r\n"), chunks, TimeSpan.FromMilliseconds(delayMs)));
        var message = await Client().Stream(Clients.Request).GetFinalMessageAsync().WaitAsync(Clients.Wait);
        Assert.Multiple(() =>
        {
            Assert.That(message.Text, Is.EqualTo(Streams.TextContent));
            Assert.That(message.RequestId, Is.EqualTo("req_test_1"));
            Assert.That(message.IsComplete, Is.True);
        });
        var sent = _server.Requests.Single();
        Assert.That(sent.Body, Does.Contain("\"stream\":true").And.Contain("\"max_tokens\":256"));
        Assert.That(sent.Headers["x-api-key"], Is.EqualTo("test-key"));
        Assert.That(sent.Headers["anthropic-version"], Is.EqualTo("2023-06-01"));
    }

    [Test]
    public async Task An_error_event_mid_stream_raises_StreamErrorException_with_the_partial_message()
    {
        _server.Enqueue(ServerPlan.Sse(Streams.Error, 3));
        var ex = (await Assert.ThrowsAsync<StreamErrorException>(() => Client().Stream(Clients.Request).GetFinalMessageAsync().WaitAsync(Clients.Wait)))!;
        Assert.Multiple(() =>
        {
            Assert.That(ex.ErrorType, Is.EqualTo("overloaded_error"));
            Assert.That(ex.ErrorMessage, Is.EqualTo("Overloaded"));
            Assert.That(ex.RequestId, Is.EqualTo("req_in_stream"));
            Assert.That(ex.PartialMessage!.Text, Is.EqualTo("Partial"));
            Assert.That(ex.PartialMessage.IsComplete, Is.False);
        });
    }

    [Test]
    public async Task A_reset_mid_stream_raises_IncompleteStreamException_of_kind_Reset()
    {
        var clientRead = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.Enqueue(ServerPlan.Sse(Streams.Head + Streams.Delta("Half"), 2, end: PlanEnd.Reset) with { BeforeEnd = clientRead.Task });
        var ex = (await Assert.ThrowsAsync<IncompleteStreamException>(async () =>
        {
            await foreach (var e in Client().Stream(Clients.Request).WithCancellation(CancellationToken.None))
            {
                if (e is TextDeltaEvent)
                    clientRead.TrySetResult();
            }
        }).WaitAsync(Clients.Wait))!;
        Assert.Multiple(() =>
        {
            Assert.That(ex.Kind, Is.EqualTo(IncompleteKind.Reset));
            Assert.That(ex.PartialMessage!.Text, Is.EqualTo("Half"));
            Assert.That(_server.Requests, Has.Count.EqualTo(1), "a reset after the first event is not retried");
        });
    }

    [Test]
    public async Task A_clean_close_without_message_stop_raises_IncompleteStreamException_of_kind_CleanClose()
    {
        _server.Enqueue(ServerPlan.Sse(Streams.Head + Streams.Delta("Half"), 2));
        var ex = (await Assert.ThrowsAsync<IncompleteStreamException>(() => Client().Stream(Clients.Request).GetFinalMessageAsync().WaitAsync(Clients.Wait)))!;
        Assert.Multiple(() =>
        {
            Assert.That(ex.Kind, Is.EqualTo(IncompleteKind.CleanClose));
            Assert.That(ex.PartialMessage!.Text, Is.EqualTo("Half"));
            Assert.That(ex.Message, Does.Contain("without message_stop"));
        });
    }

    [Test]
    public async Task A_max_tokens_ending_is_flagged_and_never_looks_complete_and_whole()
    {
        _server.Enqueue(ServerPlan.Sse(Streams.MaxTokens, 4));
        var message = await Client().Stream(Clients.Request).GetFinalMessageAsync().WaitAsync(Clients.Wait);
        Assert.Multiple(() =>
        {
            Assert.That(message.StopReason, Is.EqualTo("max_tokens"));
            Assert.That(message.IsTruncatedByMaxTokens, Is.True);
        });
    }

    [Test]
    public async Task A_max_tokens_ending_throws_when_opted_in()
    {
        _server.Enqueue(ServerPlan.Sse(Streams.MaxTokens, 4));
        var ex = await Assert.ThrowsAsync<MaxTokensException>(() =>
            Client(o => o with { ThrowOnMaxTokens = true }).Stream(Clients.Request).GetFinalMessageAsync().WaitAsync(Clients.Wait));
        Assert.That(ex!.PartialMessage!.Text, Is.EqualTo("The answer is"));
    }

    [Test]
    public async Task Unknown_events_and_deltas_and_pings_are_counted_and_ignored()
    {
        _server.Enqueue(ServerPlan.Sse(Streams.Unknown, 5));
        await using var stream = Client().Stream(Clients.Request);
        var events = await Clients.CollectAsync(stream).WaitAsync(Clients.Wait);
        Assert.Multiple(() =>
        {
            Assert.That(stream.Current!.Text, Is.EqualTo("ok"));
            Assert.That(stream.IgnoredEventCount, Is.EqualTo(2));
            Assert.That(events.Select(Describe.Event), Has.None.Contains("future"));
        });
    }

    [Test]
    public async Task Tool_use_input_is_rebuilt_from_pieces_and_parsed_once_complete()
    {
        _server.Enqueue(ServerPlan.Sse(Streams.ToolUse, 9));
        var message = await Client().Stream(Clients.Request).GetFinalMessageAsync().WaitAsync(Clients.Wait);
        var tool = message.Content.OfType<ToolUseBlock>().Single();
        Assert.Multiple(() =>
        {
            Assert.That(tool.Id, Is.EqualTo("toolu_01A"));
            Assert.That(tool.Name, Is.EqualTo("get_weather"));
            Assert.That(tool.InputJson, Is.EqualTo("{\"city\": \"San Francisco\", \"days\": 14}"));
            Assert.That(tool.Input.GetProperty("city").GetString(), Is.EqualTo("San Francisco"));
            Assert.That(tool.Input.GetProperty("days").GetInt32(), Is.EqualTo(14));
            Assert.That(message.StopReason, Is.EqualTo("tool_use"));
        });
    }

    [Test]
    public async Task Thinking_signature_and_redacted_thinking_are_kept()
    {
        _server.Enqueue(ServerPlan.Sse(Streams.Thinking, 3));
        var message = await Client().Stream(Clients.Request).GetFinalMessageAsync().WaitAsync(Clients.Wait);
        Assert.That(message.Content[0], Is.EqualTo(new ThinkingBlock("Let me think step by step.", "EqQBCgIYAhIM")));
        Assert.That(message.Content[1], Is.EqualTo(new RedactedThinkingBlock("EmwKAhgBEgy3va3pzix")));
        Assert.That(message.Text, Is.EqualTo("27"));
    }

    public enum Leave { CancelToken, Break, Dispose }

    [Test]
    public async Task Leaving_after_N_deltas_yields_nothing_more_and_the_server_sees_the_disconnect([Values] Leave how)
    {
        // A handler that would drain an unread response for a minute: only an abort can close it within the bound,
        // so a client that disposed without aborting fails here however slow the machine is.
        _http.Dispose();
        _http = new HttpClient(new SocketsHttpHandler { ResponseDrainTimeout = TimeSpan.FromMinutes(1), MaxResponseDrainSize = int.MaxValue })
        { Timeout = Timeout.InfiniteTimeSpan };
        const int leaveAfter = 5;
        var body = Streams.Head + string.Concat(Enumerable.Range(0, 400).Select(i => Streams.Delta($"d{i} "))) + Streams.Tail();
        var frames = body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).Select(f => Encoding.UTF8.GetBytes(f + "\n\n")).ToList();
        _server.Enqueue(new ServerPlan { Chunks = frames, DelayBetweenChunks = TimeSpan.FromMilliseconds(20) });
        using var cts = new CancellationTokenSource();
        var stream = Client().Stream(Clients.Request, cts.Token);
        var deltas = 0;
        var eventsAfterLeaving = 0;
        var left = false;
        try
        {
            await foreach (var e in stream.WithCancellation(CancellationToken.None))
            {
                if (left)
                    eventsAfterLeaving++;
                if (e is TextDeltaEvent && ++deltas == leaveAfter)
                {
                    left = true;
                    if (how == Leave.Break)
                        break;
                    if (how == Leave.CancelToken)
                        await cts.CancelAsync();
                    else
                        await stream.DisposeAsync();
                }
            }
            if (how != Leave.Break)
                Assert.Fail("the enumeration should have stopped");
        }
        catch (OperationCanceledException) when (how == Leave.CancelToken)
        {
        }
        catch (ObjectDisposedException) when (how == Leave.Dispose)
        {
        }
        var request = _server.Requests.Single();
        // The server's own disconnect signal; 5 s holds on a loaded machine and is far below the 8 s the stream lasts.
        await request.Aborted.Task.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Multiple(() =>
        {
            Assert.That(deltas, Is.EqualTo(leaveAfter));
            Assert.That(eventsAfterLeaving, Is.Zero, "events were yielded after leaving");
            Assert.That(request.ChunksWritten, Is.LessThan(frames.Count), "the server finished: the stream was drained, not closed");
        });
        await stream.DisposeAsync();
    }

    [Test]
    public async Task No_event_is_yielded_after_cancellation_even_when_all_events_are_already_buffered([Values] Leave how)
    {
        const int leaveAfter = 3;
        var body = Streams.Head + string.Concat(Enumerable.Range(0, 200).Select(i => Streams.Delta($"d{i} "))) + Streams.Tail();
        using var cts = new CancellationTokenSource();
        var stream = Clients.Stub(Deliveries.Whole(Encoding.UTF8.GetBytes(body))).Stream(Clients.Request, cts.Token);
        var deltas = 0;
        var eventsAfterLeaving = 0;
        var left = false;
        Exception? thrown = null;
        try
        {
            await foreach (var e in stream.WithCancellation(CancellationToken.None))
            {
                if (left)
                    eventsAfterLeaving++;
                if (e is TextDeltaEvent && ++deltas == leaveAfter)
                {
                    left = true;
                    if (how == Leave.Break)
                        break;
                    if (how == Leave.CancelToken)
                        await cts.CancelAsync();
                    else
                        await stream.DisposeAsync();
                }
            }
        }
        catch (Exception ex)
        {
            thrown = ex;
        }
        Assert.Multiple(() =>
        {
            Assert.That(deltas, Is.EqualTo(leaveAfter));
            Assert.That(eventsAfterLeaving, Is.Zero, "buffered events were yielded after leaving");
            switch (how)
            {
                case Leave.CancelToken:
                    Assert.That(thrown, Is.InstanceOf<OperationCanceledException>());
                    Assert.That(((OperationCanceledException)thrown!).CancellationToken, Is.EqualTo(cts.Token));
                    break;
                case Leave.Dispose:
                    Assert.That(thrown, Is.InstanceOf<ObjectDisposedException>());
                    break;
                default:
                    Assert.That(thrown, Is.Null);
                    break;
            }
        });
        await stream.DisposeAsync();
    }

    [Test]
    public async Task A_stall_ends_in_an_idle_timeout_and_closes_the_connection()
    {
        _server.Enqueue(ServerPlan.Sse(Streams.Head + Streams.Delta("before"), 1, end: PlanEnd.Stall));
        var client = Client(o => o with { IdleTimeout = TimeSpan.FromMilliseconds(300) });
        var ex = (await Assert.ThrowsAsync<StreamTimeoutException>(() => client.Stream(Clients.Request).GetFinalMessageAsync().WaitAsync(Clients.Wait)))!;
        Assert.Multiple(() =>
        {
            Assert.That(ex.Phase, Is.EqualTo(TimeoutPhase.Idle));
            Assert.That(ex.Message, Does.Contain("stalled"));
            Assert.That(ex.PartialMessage!.Text, Is.EqualTo("before"));
        });
        await _server.Requests.Single().Aborted.Task.WaitAsync(Clients.Wait);
    }

    [Test]
    public async Task Pings_alone_do_not_keep_a_stream_alive_when_content_progress_is_required()
    {
        var frames = new List<byte[]> { Streams.Bytes(Streams.Head) };
        frames.AddRange(Enumerable.Repeat(Streams.Bytes(Streams.Ping), 500));
        _server.Enqueue(new ServerPlan { Chunks = frames, DelayBetweenChunks = TimeSpan.FromMilliseconds(40) });
        var client = Client(o => o with { IdleTimeout = TimeSpan.FromMilliseconds(400), IdleRequiresContent = true });
        await using var stream = client.Stream(Clients.Request);
        var ex = (await Assert.ThrowsAsync<StreamTimeoutException>(() => stream.GetFinalMessageAsync().WaitAsync(Clients.Wait)))!;
        Assert.Multiple(() =>
        {
            Assert.That(ex.Phase, Is.EqualTo(TimeoutPhase.Idle));
            Assert.That(stream.IgnoredEventCount, Is.GreaterThan(1), "pings kept arriving");
            Assert.That(_server.Requests.Single().ChunksWritten, Is.LessThan(frames.Count));
        });
    }

    [Test]
    public async Task No_first_byte_in_time_ends_in_a_first_byte_timeout()
    {
        _server.Enqueue(new ServerPlan { End = PlanEnd.Stall });
        var client = Client(o => o with { FirstByteTimeout = TimeSpan.FromMilliseconds(300), MaxRetries = 0 });
        var ex = (await Assert.ThrowsAsync<StreamTimeoutException>(() => client.Stream(Clients.Request).GetFinalMessageAsync().WaitAsync(Clients.Wait)))!;
        Assert.That(ex.Phase, Is.EqualTo(TimeoutPhase.FirstByte));
    }

    [Test]
    public async Task A_529_then_a_200_is_retried_and_succeeds()
    {
        _server.Enqueue(ServerPlan.Error(529, "overloaded_error"), ServerPlan.Sse(Streams.Text, 3));
        var message = await Client().Stream(Clients.Request).GetFinalMessageAsync().WaitAsync(Clients.Wait);
        Assert.That(message.Text, Is.EqualTo(Streams.TextContent));
        Assert.That(_server.Requests, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task A_429_honours_retry_after_ms()
    {
        _server.Enqueue(
            ServerPlan.Error(429, "rate_limit_error", new Dictionary<string, string> { ["retry-after-ms"] = "250" }),
            ServerPlan.Sse(Streams.Text));
        var started = Stopwatch.GetTimestamp();
        await Client().Stream(Clients.Request).GetFinalMessageAsync().WaitAsync(Clients.Wait);
        Assert.That(Stopwatch.GetElapsedTime(started), Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(240)));
        Assert.That(_server.Requests, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task An_error_status_raises_ApiStatusException_and_x_should_retry_false_is_honoured()
    {
        _server.Enqueue(ServerPlan.Error(503, "api_error", new Dictionary<string, string> { ["x-should-retry"] = "false", ["retry-after"] = "3" }));
        var ex = (await Assert.ThrowsAsync<ApiStatusException>(() => Client().Stream(Clients.Request).GetFinalMessageAsync().WaitAsync(Clients.Wait)))!;
        Assert.Multiple(() =>
        {
            Assert.That(ex.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(ex.ErrorType, Is.EqualTo("api_error"));
            Assert.That(ex.RequestId, Is.EqualTo("req_test_1"));
            Assert.That(ex.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(3)));
            Assert.That(_server.Requests, Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task A_400_is_not_retried()
    {
        _server.Enqueue(ServerPlan.Error(400, "invalid_request_error"));
        var ex = (await Assert.ThrowsAsync<ApiStatusException>(() => Client().Stream(Clients.Request).GetFinalMessageAsync().WaitAsync(Clients.Wait)))!;
        Assert.That(ex.ErrorType, Is.EqualTo("invalid_request_error"));
        Assert.That(_server.Requests, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task A_reset_before_the_first_body_byte_is_retried()
    {
        _server.Enqueue(new ServerPlan { End = PlanEnd.Reset }, ServerPlan.Sse(Streams.Text));
        var message = await Client().Stream(Clients.Request).GetFinalMessageAsync().WaitAsync(Clients.Wait);
        Assert.That(message.IsComplete, Is.True);
        Assert.That(_server.Requests, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task A_200_whose_body_is_not_SSE_raises_StreamProtocolException()
    {
        _server.Enqueue(ServerPlan.Sse("<html><body>502 Bad Gateway</body></html>\n"));
        var ex = (await Assert.ThrowsAsync<StreamProtocolException>(() => Client().Stream(Clients.Request).GetFinalMessageAsync().WaitAsync(Clients.Wait)))!;
        Assert.That(ex.Message, Does.Contain("not SSE"));
    }

    [Test]
    public async Task A_200_with_a_JSON_content_type_on_a_stream_raises_StreamProtocolException()
    {
        _server.Enqueue(ServerPlan.Sse("{}") with { ContentType = "application/json" });
        var ex = (await Assert.ThrowsAsync<StreamProtocolException>(() => Client().Stream(Clients.Request).GetFinalMessageAsync().WaitAsync(Clients.Wait)))!;
        Assert.That(ex.Message, Does.Contain("application/json"));
    }

    [Test]
    public async Task Invalid_JSON_in_a_data_line_raises_StreamProtocolException_naming_the_event()
    {
        _server.Enqueue(ServerPlan.Sse(Streams.Head + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"oops}\n\n" + Streams.Tail()));
        var ex = (await Assert.ThrowsAsync<StreamProtocolException>(() => Client().Stream(Clients.Request).GetFinalMessageAsync().WaitAsync(Clients.Wait)))!;
        Assert.That(ex.Message, Does.Contain("Invalid JSON").And.Contain("content_block_delta").And.Contain("#3"));
    }

    [Test]
    public async Task A_delta_for_a_block_that_never_started_raises_StreamProtocolException()
    {
        _server.Enqueue(ServerPlan.Sse(Streams.Head + Streams.Delta("x").Replace("\"index\":0", "\"index\":3", StringComparison.Ordinal) + Streams.Tail()));
        var ex = (await Assert.ThrowsAsync<StreamProtocolException>(() => Client().Stream(Clients.Request).GetFinalMessageAsync().WaitAsync(Clients.Wait)))!;
        Assert.That(ex.Message, Does.Contain("block 3, which never started"));
    }

    [Test]
    public async Task The_non_streaming_call_returns_one_JSON_message()
    {
        const string json = """
            {"id":"msg_02","type":"message","role":"assistant","model":"claude-test","content":[{"type":"text","text":"Whole reply"},{"type":"tool_use","id":"toolu_9","name":"f","input":{"a":1}}],"stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":3,"output_tokens":7}}
            """;
        _server.Enqueue(ServerPlan.Sse(json) with { ContentType = "application/json" });
        var message = await Client().CreateAsync(Clients.Request).WaitAsync(Clients.Wait);
        Assert.Multiple(() =>
        {
            Assert.That(message.Text, Is.EqualTo("Whole reply"));
            Assert.That(message.Content.OfType<ToolUseBlock>().Single().Input.GetProperty("a").GetInt32(), Is.EqualTo(1));
            Assert.That(message.Usage.OutputTokens, Is.EqualTo(7));
            Assert.That(message.IsComplete, Is.True);
            Assert.That(_server.Requests.Single().Body, Does.Not.Contain("\"stream\""));
        });
    }
}
