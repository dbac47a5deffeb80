using System.Text;
using TinyAgent.Harness.Clients;
using TinyAgent.Harness.Formats;
using TinyAgent.Harness.Model;
using TinyAgent.Harness.Tests.Judges;
using TinyAgent.Harness.Verdicts;
using static TinyAgent.Harness.Tests.Clients.ClientTestContext;

namespace TinyAgent.Harness.Tests.Clients;

internal sealed class SpecimenTests
{
    private static readonly byte[] Body = Observations.Body();

    private static Task<ClientResult> RunAsync(IClientUnderTest client, ConsumerModel? consumer = null) =>
        RunGuard.RunAsync(client, Create(consumer: consumer)).WaitAsync(Wait);

    private static IReadOnlyList<byte[]> PerFrame(byte[] body) =>
        ScriptedHandler.Cut(body, [.. SseLayout.Parse(body).FrameEnds.Where(e => e < body.Length)]);

    [Test]
    public async Task Naive_split_throws_when_a_read_ends_inside_the_json_of_a_frame()
    {
        int cut = OffsetOf(Body, "\"text\":\"ld\"", shift: 4);
        var handler = new ScriptedHandler(ScriptedHandler.Cut(Body, cut));

        var result = await RunAsync(new NaiveSplitClient(() => handler));

        Assert.That(result.Outcome, Is.EqualTo(ClientOutcome.Failed));
        Assert.That(result.Error?.Type, Does.StartWith("Json").And.EndWith("Exception")); // JSON.parse throwing on half a frame
        var finding = new SplitPacketJudge().Judge(Observations.Make(result, new PlanFacts { CutsInsideFrames = 1 }));
        Assert.That(finding.Verdict, Is.EqualTo(Verdict.NotHandled));
    }

    [Test]
    public async Task Naive_split_silently_loses_text_when_a_read_ends_inside_the_data_prefix()
    {
        int cut = OffsetOf(Body, "data: {\"type\":\"content_block_delta\"", occurrence: 3, shift: 2); // "da|ta: " of the "ld" delta
        var handler = new ScriptedHandler(ScriptedHandler.Cut(Body, cut));

        var result = await RunAsync(new NaiveSplitClient(() => handler));

        Assert.That(result.Outcome, Is.EqualTo(ClientOutcome.Completed));
        Assert.That(result.Error, Is.Null);
        Assert.That(result.Text, Is.EqualTo("Hello, wor! Bye."));
    }

    [Test]
    public async Task Naive_split_reads_per_frame_reads_exactly()
    {
        var result = await RunAsync(new NaiveSplitClient(() => new ScriptedHandler(PerFrame(Body))));

        Assert.That(result.Outcome, Is.EqualTo(ClientOutcome.Completed));
        Assert.That(result.Text, Is.EqualTo(Observations.FullText));
        Assert.That(result.StopReason, Is.EqualTo("end_turn"));
    }

    [TestCase("\n")]
    [TestCase("\r\n")]
    [TestCase("\r")]
    public async Task The_article_loop_with_its_fixes_reads_a_one_byte_trickle_exactly(string eol)
    {
        var body = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(Observations.Body()).Replace("\n", eol, StringComparison.Ordinal).Replace("wor", "wör", StringComparison.Ordinal));
        var trickle = body.Select(b => new[] { b }).ToList();

        var result = await RunAsync(new LoopClient(() => new ScriptedHandler(trickle)));

        Assert.That(result.Outcome, Is.EqualTo(ClientOutcome.Completed), result.Error?.Message);
        Assert.That(result.Text, Is.EqualTo(Observations.FullText.Replace("wor", "wör", StringComparison.Ordinal)));
        Assert.That(result.StopReason, Is.EqualTo("end_turn"));
        Assert.That(result.Reads, Has.Count.EqualTo(body.Length));
    }

    [Test]
    public async Task Naive_truncation_returns_a_complete_looking_answer_after_an_error_event()
    {
        var body = Observations.Body(errorType: "overloaded_error");

        var naive = await RunAsync(new NaiveTruncationClient(() => new ScriptedHandler(PerFrame(body))));
        var fixedLoop = await RunAsync(new LoopClient(() => new ScriptedHandler(PerFrame(body))));

        Assert.That(naive.Outcome, Is.EqualTo(ClientOutcome.Completed));
        Assert.That(naive.Error, Is.Null);
        Assert.That(naive.Text, Is.EqualTo(Observations.FullText));
        Assert.That(naive.StopReason, Is.Null, "it never reads stop_reason");
        Assert.That(fixedLoop.Error?.Type, Is.EqualTo("overloaded_error"));
        var facts = new PlanFacts { InjectedErrorType = "overloaded_error" };
        Assert.That(new SilentTruncationJudge().Judge(Observations.Make(naive, facts, body)).Verdict, Is.EqualTo(Verdict.NotHandled));
        Assert.That(new SilentTruncationJudge().Judge(Observations.Make(fixedLoop, facts, body)).Verdict, Is.EqualTo(Verdict.Handled));
    }

    [Test]
    public async Task Naive_truncation_returns_a_complete_looking_answer_on_a_clean_early_end()
    {
        int end = OffsetOf(Body, "event: content_block_stop");

        var result = await RunAsync(new NaiveTruncationClient(() => new ScriptedHandler(PerFrame(Body[..end]))));

        Assert.That(result.Outcome, Is.EqualTo(ClientOutcome.Completed));
        Assert.That(result.Error, Is.Null);
        Assert.That(result.StopReason, Is.Null);
    }

    [Test]
    public async Task Naive_truncation_never_reads_stop_reason_even_when_the_stream_carries_one()
    {
        var result = await RunAsync(new NaiveTruncationClient(() => new ScriptedHandler(PerFrame(Body))));

        Assert.That(result.Outcome, Is.EqualTo(ClientOutcome.Completed));
        Assert.That(result.Text, Is.EqualTo(Observations.FullText));
        Assert.That(result.StopReason, Is.Null);
    }

    [Test]
    public async Task Naive_truncation_surfaces_a_reset_because_the_articles_loop_catches_nothing()
    {
        int end = OffsetOf(Body, "event: content_block_stop");

        var result = await RunAsync(new NaiveTruncationClient(() => new ScriptedHandler(PerFrame(Body[..end]), ScriptedEnd.Reset)));

        Assert.That(result.Outcome, Is.EqualTo(ClientOutcome.Failed));
        Assert.That(result.Error?.Type, Is.EqualTo(nameof(IOException)));
    }

    [Test]
    public async Task Naive_ghost_stops_reading_at_give_up_but_never_disposes_the_response()
    {
        var handler = new ScriptedHandler(PerFrame(Body));

        var result = await RunAsync(new NaiveGhostClient(() => handler), new ConsumerModel("give-up-2", 2));

        Assert.That(result.Outcome, Is.EqualTo(ClientOutcome.GaveUp));
        Assert.That(result.Text, Is.EqualTo("Hello, wor"));
        Assert.That(result.GaveUpAt, Is.Not.Null);
        Assert.That(handler.Body!.ReadsServed, Is.EqualTo(4), "no read after the frame with the second delta");
        Assert.That(handler.Body.Disposed.Task.IsCompleted, Is.False, "the response was never disposed");
        Assert.That(result.EndedAt - result.GaveUpAt, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(150)), "the process lingered (200 ms, timer slack allowed)");
    }

    [Test]
    public async Task The_article_loop_with_its_fixes_closes_the_response_at_give_up()
    {
        var handler = new ScriptedHandler(PerFrame(Body));

        var result = await RunAsync(new LoopClient(() => handler), new ConsumerModel("give-up-2", 2));

        Assert.That(result.Outcome, Is.EqualTo(ClientOutcome.GaveUp));
        await handler.Body!.Disposed.Task.WaitAsync(Wait);
    }

    [Test]
    public async Task Reads_are_recorded_with_the_sizes_the_client_got()
    {
        var pieces = PerFrame(Body);

        var result = await RunAsync(new NaiveSplitClient(() => new ScriptedHandler(pieces)));

        Assert.That(result.Reads!.Select(r => r.Size), Is.EqualTo(pieces.Select(p => p.Length)));
        Assert.That(result.FirstByteAt, Is.EqualTo(result.Reads![0].At));
        Assert.That(result.FirstTextAt, Is.GreaterThanOrEqualTo(result.FirstByteAt!.Value));
    }

    /// <summary>The article's loop with its fixes (no mistake), as a client under test: the specimens' control.</summary>
    private sealed class LoopClient(Func<HttpMessageHandler> handler) : IClientUnderTest
    {
        private readonly ArticleLoop _loop = new(handler);

        public string Name => "article-fixed";

        public Task<ClientResult> RunAsync(ClientRunContext context, CancellationToken cancellationToken) => _loop.RunAsync(context, cancellationToken);
    }
}
