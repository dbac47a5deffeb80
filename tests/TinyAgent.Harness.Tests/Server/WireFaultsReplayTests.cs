using System.Diagnostics;
using System.Globalization;
using System.Net.ServerSentEvents;
using TinyAgent.Harness.Model;
using TinyAgent.Harness.Plan;
using TinyAgent.Harness.Plan.Faults;
using TinyAgent.Harness.Recordings;
using TinyAgent.Harness.Replay;
using TinyAgent.Harness.Tests.Faults;
using static TinyAgent.Harness.Tests.Server.ServerTestKit;

namespace TinyAgent.Harness.Tests.Server;

/// <summary>The new faults end to end: planned by FaultPlanner, replayed by the real server over TCP, read by a real HttpClient.</summary>
internal sealed class WireFaultsReplayTests
{
    private static ReplayPlan Plan(Recording recording, params string[] specs) =>
        FaultPlanner.Plan(recording, [.. specs.Select(s => FaultRegistry.Parse(s, "test"))], attempt: 1, seed: 5);

    private static async Task<(ClientReads Reads, HttpResponseMessage Response, ServerEvidence Evidence, TimeSpan Elapsed)> FetchAsync(ReplayPlan plan, ReplayServerOptions? options = null)
    {
        await using var server = await StartAsync(StaticScenarioSource.Of("s", plan), options);
        using var client = ServerTestKit.Client();
        var clock = Stopwatch.StartNew();
        var response = await SendAsync(client, Messages(server.ScenarioUrl("s")));
        var reads = await ReadAllAsync(response);
        var elapsed = clock.Elapsed;
        var evidence = await server.WaitForCompletionAsync("s", 1, CancellationToken.None).WaitAsync(Bound);
        return (reads, response, evidence, elapsed);
    }

    private static List<(string Type, string Data)> Events(byte[] body) =>
        [.. SseParser.Create(new MemoryStream(body)).Enumerate().Select(e => (e.EventType, e.Data))];

    [Test]
    public async Task A_split_bom_reaches_the_client_as_two_reads_and_the_sse_parser_drops_it()
    {
        var plan = Plan(TestStreams.Lf, "bom:split=true");
        var (reads, response, _, _) = await FetchAsync(plan, new ReplayServerOptions { SplitGap = TimeSpan.FromMilliseconds(150) });

        Assert.That(reads.Data, Is.EqualTo(plan.Body));
        Assert.That(reads.Sizes[0], Is.EqualTo(2), $"reads: {string.Join(",", reads.Sizes)}");
        Assert.That(Events(reads.Data), Is.EqualTo(Events(TestStreams.Lf.Body)));
        response.Dispose();
    }

    [TestCase("line-endings:mode=mixed")]
    [TestCase("line-endings:mode=cr")]
    [TestCase("done-marker")]
    public async Task Wire_variants_arrive_byte_for_byte_and_read_the_same(string spec)
    {
        var plan = Plan(TestStreams.Unicode, spec, "bytewise");
        var (reads, response, evidence, _) = await FetchAsync(plan);

        Assert.That(reads.Data, Is.EqualTo(plan.Body));
        Assert.That(reads.Data, Is.Not.EqualTo(TestStreams.Unicode.Body));
        Assert.That(ReferenceReader.Read(reads.Data).Blocks, Is.EqualTo(TestStreams.Unicode.Expected.Blocks));
        Assert.That(evidence.Ending.ToName(), Is.EqualTo("complete"));
        response.Dispose();
    }

    [Test]
    public async Task An_error_as_the_first_event_follows_a_200()
    {
        var plan = Plan(TestStreams.Lf, "error-event:afterEvents=0");
        var (reads, response, _, _) = await FetchAsync(plan);

        Assert.That((int)response.StatusCode, Is.EqualTo(200));
        Assert.That(Events(reads.Data), Is.EqualTo(new[] { ("error", "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}") }));
        response.Dispose();
    }

    [Test]
    public async Task A_tool_cut_arrives_as_a_max_tokens_ending_with_partial_tool_json()
    {
        var plan = Plan(TestStreams.Unicode, "tool-cut", "random:min=1,max=9");
        var (reads, response, _, _) = await FetchAsync(plan);
        var read = ReferenceReader.Read(reads.Data);

        Assert.That(read.Blocks.Single(b => b.Type == "tool_use").Text, Is.EqualTo("{\"city\": \"東"));
        Assert.That((read.StopReason, read.HasMessageStop), Is.EqualTo(("max_tokens", true)));
        response.Dispose();
    }

    [Test]
    public async Task A_pause_keeps_pings_flowing_and_then_the_stream_completes()
    {
        var plan = Plan(TestStreams.Lf, "pause:ms=600,everyMs=150,afterEvents=3");
        var (reads, response, evidence, elapsed) = await FetchAsync(plan);

        Assert.That(reads.Data, Is.EqualTo(plan.Body));
        Assert.That(elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(590)));
        // The replayer keeps waits against the timeline from its first write: each ping leaves no earlier than planned,
        // within the timer's own slack (a timer may fire a few ms before the high-resolution clock says it is due).
        var due = TimeSpan.Zero;
        foreach (var (chunk, sent) in plan.Chunks.Zip(evidence.Sent).Skip(1))
        {
            due += chunk.DelayBefore;
            Assert.That(sent.At - evidence.Sent[0].At, Is.GreaterThanOrEqualTo(due - TimeSpan.FromMilliseconds(15)), $"chunk at {chunk.Offset}");
        }

        Assert.That(due, Is.EqualTo(TimeSpan.FromMilliseconds(600)));
        Assert.That(Events(reads.Data).Count(e => e.Type == "ping"), Is.EqualTo(1 + 3));
        Assert.That(evidence.Ending.ToName(), Is.EqualTo("complete"));
        response.Dispose();
    }

    [Test]
    public async Task Bandwidth_caps_the_rate_and_the_pieces()
    {
        var plan = Plan(TestStreams.Unicode, "bandwidth:bytesPerSecond=4096");
        var (reads, response, _, elapsed) = await FetchAsync(plan);
        double floorMs = (plan.Body.Length - plan.Chunks[^1].Data.Length) * 1000.0 / 4096;

        Assert.That(reads.Data, Is.EqualTo(plan.Body));
        Assert.That(elapsed.TotalMilliseconds, Is.GreaterThanOrEqualTo(floorMs - 5));
        Assert.That(reads.Sizes.Max(), Is.LessThanOrEqualTo(3 * 40), "pieces of 40 bytes, at most a few merged by a late read");
        response.Dispose();
    }

    [Test]
    public async Task Slow_close_sends_everything_then_ends_normally_after_the_hold()
    {
        var plan = Plan(TestStreams.Lf, "slow-close:holdMs=500");
        await using var server = await StartAsync(StaticScenarioSource.Of("s", plan));
        using var client = ServerTestKit.Client();
        using var response = await SendAsync(client, Messages(server.ScenarioUrl("s")));
        await using var stream = await response.Content.ReadAsStreamAsync().WaitAsync(Bound);
        var buffer = new byte[64 * 1024];
        int total = 0;
        while (total < plan.Body.Length)
        {
            total += await stream.ReadAsync(buffer).AsTask().WaitAsync(Bound);
        }

        var clock = Stopwatch.StartNew();
        int last = await stream.ReadAsync(buffer).AsTask().WaitAsync(Bound);
        Assert.That(last, Is.Zero, "no byte after message_stop");
        Assert.That(clock.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(300)), "the end of the body came late");
        var evidence = await server.WaitForCompletionAsync("s", 1, CancellationToken.None).WaitAsync(Bound);
        Assert.That(evidence.Ending.ToName(), Is.EqualTo("complete"));
        Assert.That(evidence.BytesSent, Is.EqualTo(plan.Body.Length));
    }

    [Test]
    public async Task Slow_close_without_a_hold_ends_normally_at_the_servers_stall_limit()
    {
        var plan = Plan(TestStreams.Lf, "slow-close");
        var (reads, response, evidence, elapsed) = await FetchAsync(plan, new ReplayServerOptions { StallLimit = TimeSpan.FromMilliseconds(300) });

        Assert.That(reads.Error, Is.Null, "not a reset: the body was complete");
        Assert.That(reads.Data, Is.EqualTo(plan.Body));
        Assert.That(elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(290)));
        Assert.That(evidence.Ending.ToName(), Is.EqualTo("complete"));
        response.Dispose();
    }

    [Test]
    public async Task Http_error_sends_every_retry_signal_with_dates_written_at_reply_time()
    {
        var plan = Plan(TestStreams.Lf, "http-error:status=429,retryAfterMs=1500,retryAfterDate=3,shouldRetry=true,rateLimitHeaders=true");
        var before = DateTimeOffset.UtcNow;
        var (reads, response, _, _) = await FetchAsync(plan);

        Assert.That((int)response.StatusCode, Is.EqualTo(429));
        Assert.That(response.Headers.GetValues("retry-after-ms").Single(), Is.EqualTo("1500"));
        Assert.That(response.Headers.GetValues("x-should-retry").Single(), Is.EqualTo("true"));
        var date = response.Headers.RetryAfter?.Date;
        Assert.That(date, Is.InRange(before.AddSeconds(2), before.AddSeconds(5)), response.Headers.GetValues("retry-after").Single());
        foreach (string bucket in new[] { "requests", "tokens", "input-tokens", "output-tokens" })
        {
            string reset = response.Headers.GetValues($"anthropic-ratelimit-{bucket}-reset").Single();
            Assert.That(reset, Does.Match(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"));
            Assert.That(DateTimeOffset.Parse(reset, CultureInfo.InvariantCulture), Is.InRange(before, before.AddSeconds(4)));
            Assert.That(response.Headers.GetValues($"anthropic-ratelimit-{bucket}-remaining").Single(), Is.EqualTo("0"));
        }

        Assert.That(System.Text.Encoding.UTF8.GetString(reads.Data), Does.Contain("rate_limit_error"));
        response.Dispose();
    }
}
