using System.Text;
using TinyAgent.Harness.Model;
using TinyAgent.Harness.Plan;
using TinyAgent.Harness.Replay;
using static TinyAgent.Harness.Tests.Server.ServerTestKit;

namespace TinyAgent.Harness.Tests.Server;

internal sealed class ReplayStreamingTests
{
    [Test]
    public async Task Stream_is_replayed_byte_for_byte_with_the_plans_headers_and_a_request_id()
    {
        byte[] body = TextStream(50);
        await using var server = await StartAsync(StaticScenarioSource.Of("text", PlanOf(body, PerFrame)));
        using var client = ServerTestKit.Client();

        using var response = await SendAsync(client, Messages(server.ScenarioUrl("text")));
        var reads = await ReadAllAsync(response);

        Assert.That(reads.Error, Is.Null);
        Assert.That(reads.Data, Is.EqualTo(body));
        Assert.That((int)response.StatusCode, Is.EqualTo(200));
        Assert.That(response.Content.Headers.ContentType?.ToString(), Is.EqualTo("text/event-stream; charset=utf-8"));
        Assert.That(response.Headers.GetValues("request-id").Single(), Does.Match("^req_[0-9]{12}$"));
        var evidence = await server.WaitForCompletionAsync("text", 1, CancellationToken.None).WaitAsync(Bound);
        Assert.That(evidence.Ending.ToName(), Is.EqualTo("complete"));
        Assert.That(evidence.BytesSent, Is.EqualTo(body.Length));
        Assert.That(evidence.Sent, Has.Count.EqualTo(55));
        Assert.That(evidence.RequestId, Is.EqualTo(response.Headers.GetValues("request-id").Single()));
    }

    [Test]
    public async Task Every_separate_cut_is_a_read_boundary_for_a_real_HttpClient()
    {
        byte[] body = TextStream(20);
        var plan = PlanOf(body, b =>
        {
            // Ordinary frame cuts everywhere (they may merge freely) and a split inside every fifth frame, marked separate.
            foreach (var frame in b.Layout.Frames)
            {
                b.AddCut(frame.End);
                if (frame.Index % 5 == 2)
                {
                    b.AddCut(frame.Start + (frame.Length / 2), separate: true);
                }
            }
        });

        // A gap far wider than the default: this test proves the mechanism even while other builds starve the client
        // of CPU for tens of ms; the benchmark measures fidelity at the default gap.
        await using var server = await StartAsync(StaticScenarioSource.Of("split", plan), new ReplayServerOptions { SplitGap = TimeSpan.FromMilliseconds(150) });
        using var client = ServerTestKit.Client();

        using var response = await SendAsync(client, Messages(server.ScenarioUrl("split")));
        var reads = await ReadAllAsync(response);

        Assert.That(reads.Data, Is.EqualTo(body));
        var separate = plan.Chunks.Where(c => c.Separate).ToList();
        Assert.That(separate, Has.Count.EqualTo(5));
        var boundaries = reads.Boundaries;
        var missed = separate.SelectMany(c => new[] { c.Offset, c.End }).Where(cut => !boundaries.Contains(cut)).ToList();
        Assert.That(missed, Is.Empty, $"cuts not seen as read boundaries; reads: {string.Join(",", reads.Sizes)}");
    }

    [Test]
    public async Task Reset_is_seen_by_the_client_as_a_connection_reset()
    {
        byte[] body = TextStream(20);
        var plan = PlanOf(body, b =>
        {
            PerFrame(b);
            b.End = StreamEnd.Reset;
        });
        await using var server = await StartAsync(StaticScenarioSource.Of("reset", plan));
        using var client = ServerTestKit.Client();

        using var response = await SendAsync(client, Messages(server.ScenarioUrl("reset")));
        var reads = await ReadAllAsync(response);

        Assert.That(reads.Error, Is.InstanceOf<IOException>(), "HttpIOException derives from IOException");
        Assert.That(body.AsSpan().StartsWith(reads.Data), Is.True, "what arrived is a prefix of the plan");
        var evidence = await server.WaitForCompletionAsync("reset", 1, CancellationToken.None).WaitAsync(Bound);
        Assert.That(evidence.Ending.ToName(), Is.EqualTo("reset"));
        Assert.That(evidence.BytesSent, Is.EqualTo(body.Length));
    }

    [Test]
    public async Task Clean_close_is_seen_as_an_end_of_stream_without_error()
    {
        byte[] full = TextStream(20);
        byte[] truncated = full[..(full.Length / 2)];
        var plan = PlanOf(truncated, b =>
        {
            PerFrame(b);
            b.End = StreamEnd.CleanClose;
        });
        await using var server = await StartAsync(StaticScenarioSource.Of("close", plan));
        using var client = ServerTestKit.Client();

        using var response = await SendAsync(client, Messages(server.ScenarioUrl("close")));
        var reads = await ReadAllAsync(response);

        Assert.That(reads.Error, Is.Null);
        Assert.That(reads.Data, Is.EqualTo(truncated));
        var evidence = await server.WaitForCompletionAsync("close", 1, CancellationToken.None).WaitAsync(Bound);
        Assert.That(evidence.Ending.ToName(), Is.EqualTo("clean-close"));
    }

    [Test]
    public async Task Stall_keeps_the_socket_open_with_keepalives_until_the_client_leaves()
    {
        byte[] body = TextStream(5);
        byte[] keepalive = Encoding.ASCII.GetBytes(": keep-alive\n\n");
        var plan = PlanOf(body, b =>
        {
            PerFrame(b);
            b.Stall = new StallSpec(TimeSpan.FromMilliseconds(20), keepalive);
        });
        await using var server = await StartAsync(StaticScenarioSource.Of("stall", plan));
        using var client = ServerTestKit.Client();
        using var cts = new CancellationTokenSource();

        using var response = await SendAsync(client, Messages(server.ScenarioUrl("stall")));
        await using var stream = await response.Content.ReadAsStreamAsync().WaitAsync(Bound);
        var received = new MemoryStream();
        var buffer = new byte[64 * 1024];
        while (received.Length < body.Length + (3 * keepalive.Length))
        {
            int n = await stream.ReadAsync(buffer, cts.Token).AsTask().WaitAsync(Bound);
            Assert.That(n, Is.Positive, "the stalled stream must not end");
            received.Write(buffer, 0, n);
        }

        Assert.That(received.ToArray()[..body.Length], Is.EqualTo(body));
        Assert.That(Encoding.ASCII.GetString(received.ToArray()[body.Length..]), Does.StartWith(": keep-alive\n\n: keep-alive\n\n"));

        // Cancelling a pending read is what closes the connection (disposing would drain for up to 2 s).
        var pending = stream.ReadAsync(buffer, cts.Token).AsTask();
        await cts.CancelAsync();
        Assert.That(async () => await pending.WaitAsync(Bound), Throws.InstanceOf<OperationCanceledException>().Or.InstanceOf<IOException>());
        var evidence = await server.WaitForCompletionAsync("stall", 1, CancellationToken.None).WaitAsync(Bound);
        Assert.That(evidence.Ending.ToName(), Is.EqualTo("client-gone"));
        Assert.That(evidence.ClientDisconnectedAt, Is.Not.Null);
        Assert.That(evidence.Sent.Count(c => c.Offset == body.Length), Is.GreaterThanOrEqualTo(3), "keepalives recorded past the body's end");
    }

    [Test]
    public async Task Silent_stall_leaves_the_clients_read_pending_until_it_cancels()
    {
        byte[] body = TextStream(5);
        var plan = PlanOf(body, b =>
        {
            PerFrame(b);
            b.Stall = new StallSpec(null, ReadOnlyMemory<byte>.Empty);
        });
        await using var server = await StartAsync(StaticScenarioSource.Of("stall", plan));
        using var client = ServerTestKit.Client();
        using var cts = new CancellationTokenSource();

        using var response = await SendAsync(client, Messages(server.ScenarioUrl("stall")));
        await using var stream = await response.Content.ReadAsStreamAsync().WaitAsync(Bound);
        var buffer = new byte[64 * 1024];
        int total = 0;
        while (total < body.Length)
        {
            total += await stream.ReadAsync(buffer, cts.Token).AsTask().WaitAsync(Bound);
        }

        var pending = stream.ReadAsync(buffer, cts.Token).AsTask();
        var first = await Task.WhenAny(pending, Task.Delay(TimeSpan.FromMilliseconds(500)));
        Assert.That(first, Is.Not.SameAs(pending), "the read must still be pending while the server stalls");

        long cancelledAt = TimeProvider.System.GetTimestamp();
        await cts.CancelAsync();
        Assert.That(async () => await pending.WaitAsync(Bound), Throws.InstanceOf<OperationCanceledException>());
        var evidence = await server.WaitForCompletionAsync("stall", 1, CancellationToken.None).WaitAsync(Bound);
        Assert.That(evidence.Ending.ToName(), Is.EqualTo("client-gone"));
        var clientCancel = TimeProvider.System.GetElapsedTime(evidence.StartedTimestamp, cancelledAt);
        Assert.That(evidence.ClientDisconnectedAt, Is.InRange(clientCancel, clientCancel + TimeSpan.FromSeconds(10)));
        Assert.That(evidence.BytesSentAfter(clientCancel), Is.Zero);
    }

    [Test]
    public async Task Stall_is_given_up_with_a_reset_at_the_stall_limit()
    {
        var plan = PlanOf(TextStream(2), b => b.Stall = new StallSpec(null, ReadOnlyMemory<byte>.Empty));
        await using var server = await StartAsync(StaticScenarioSource.Of("stall", plan), new ReplayServerOptions { StallLimit = TimeSpan.FromMilliseconds(200) });
        using var client = ServerTestKit.Client();

        using var response = await SendAsync(client, Messages(server.ScenarioUrl("stall")));
        var reads = await ReadAllAsync(response);

        Assert.That(reads.Error, Is.InstanceOf<IOException>());
        var evidence = await server.WaitForCompletionAsync("stall", 1, CancellationToken.None).WaitAsync(Bound);
        Assert.That(evidence.Ending.ToName(), Is.EqualTo("stall-abandoned"));
        Assert.That(evidence.EndedAt, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(200)));
    }

    [Test]
    public async Task Client_cancelling_mid_stream_is_recorded_as_a_disconnect_and_the_server_stops_sending()
    {
        byte[] body = TextStream(100);
        var plan = PlanOf(body, b =>
        {
            PerFrame(b);
            foreach (int cut in b.Cuts)
            {
                b.AddDelay(cut, TimeSpan.FromMilliseconds(20));
            }
        });
        await using var server = await StartAsync(StaticScenarioSource.Of("slow", plan));
        using var client = ServerTestKit.Client();
        using var cts = new CancellationTokenSource();

        var response = await SendAsync(client, Messages(server.ScenarioUrl("slow")));
        var stream = await response.Content.ReadAsStreamAsync().WaitAsync(Bound);
        var buffer = new byte[64 * 1024];
        for (int i = 0; i < 5; i++)
        {
            Assert.That(await stream.ReadAsync(buffer, cts.Token).AsTask().WaitAsync(Bound), Is.Positive);
        }

        long cancelledAt = TimeProvider.System.GetTimestamp();
        var pending = stream.ReadAsync(buffer, cts.Token).AsTask();
        await cts.CancelAsync();
        try
        {
            await pending.WaitAsync(Bound);
        }
        catch (OperationCanceledException)
        {
            // expected: cancelling a pending read aborts the connection
        }

        await stream.DisposeAsync();
        response.Dispose();

        var evidence = await server.WaitForCompletionAsync("slow", 1, CancellationToken.None).WaitAsync(Bound);
        var clientCancel = TimeProvider.System.GetElapsedTime(evidence.StartedTimestamp, cancelledAt);
        Assert.That(evidence.Ending.ToName(), Is.EqualTo("client-gone"));
        Assert.That(evidence.ClientDisconnectedAt, Is.InRange(clientCancel, clientCancel + TimeSpan.FromSeconds(10)));
        Assert.That(evidence.BytesSent, Is.LessThan(body.Length));
        int largest = plan.Chunks.Max(c => c.Data.Length);
        Assert.That(evidence.BytesSentAfter(evidence.ClientDisconnectedAt!.Value), Is.LessThanOrEqualTo(largest), "at most the write in flight");
        Assert.That(evidence.EndedAt, Is.GreaterThanOrEqualTo(evidence.ClientDisconnectedAt));
    }

    [Test]
    public async Task Http_error_plan_is_returned_with_its_status_headers_and_body_then_the_retry_streams()
    {
        byte[] error = Encoding.UTF8.GetBytes("{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"slow down\"}}");
        var rateLimited = new ReplayPlan(
            429,
            [new("content-type", "application/json"), new("retry-after", "2"), new("retry-after-ms", "2000"), new("x-should-retry", "true")],
            error,
            [new PlannedChunk(0, error, TimeSpan.Zero, false)],
            StreamEnd.Complete,
            null,
            new PlanFacts { HttpErrorStatus = 429 },
            null,
            ["http-error 429"],
            1);
        byte[] body = TextStream(3);
        await using var server = await StartAsync(StaticScenarioSource.Of("retry", rateLimited, PlanOf(body, PerFrame)));
        using var client = ServerTestKit.Client();

        using var first = await SendAsync(client, Messages(server.ScenarioUrl("retry")));
        var firstReads = await ReadAllAsync(first);
        using var second = await SendAsync(client, Messages(server.ScenarioUrl("retry")));
        var secondReads = await ReadAllAsync(second);

        Assert.That((int)first.StatusCode, Is.EqualTo(429));
        Assert.That(first.Headers.RetryAfter?.Delta, Is.EqualTo(TimeSpan.FromSeconds(2)));
        Assert.That(first.Headers.GetValues("retry-after-ms").Single(), Is.EqualTo("2000"));
        Assert.That(first.Headers.GetValues("x-should-retry").Single(), Is.EqualTo("true"));
        Assert.That(first.Headers.Contains("request-id"), Is.True);
        Assert.That(first.Content.Headers.ContentLength, Is.EqualTo(error.Length));
        Assert.That(firstReads.Data, Is.EqualTo(error));
        Assert.That((int)second.StatusCode, Is.EqualTo(200));
        Assert.That(secondReads.Data, Is.EqualTo(body));
        var evidence = await server.WaitForCompletionAsync("retry", 2, CancellationToken.None).WaitAsync(Bound);
        Assert.That(server.EvidenceFor("retry").Select(e => (e.Attempt, e.Status)), Is.EqualTo(new[] { (1, 429), (2, 200) }));
        Assert.That(evidence.Ending.ToName(), Is.EqualTo("complete"));
    }

    [Test]
    public async Task Default_scenario_answers_the_unprefixed_route()
    {
        byte[] body = TextStream(3);
        await using var server = await StartAsync(StaticScenarioSource.Of("only", PlanOf(body)), new ReplayServerOptions { DefaultScenario = "only" });
        using var client = ServerTestKit.Client();

        using var response = await SendAsync(client, Messages(new Uri(server.BaseUrl.ToString().TrimEnd('/'))));
        var reads = await ReadAllAsync(response);

        Assert.That(reads.Data, Is.EqualTo(body));
        Assert.That(server.AttemptsOf("only"), Is.EqualTo(1));
    }
}
