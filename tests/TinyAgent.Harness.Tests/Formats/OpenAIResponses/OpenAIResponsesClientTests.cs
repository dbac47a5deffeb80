using TinyAgent.Harness.Clients;
using TinyAgent.Harness.Plan;
using TinyAgent.Harness.Plan.Faults;
using TinyAgent.Harness.Model;
using TinyAgent.Harness.Recordings;
using TinyAgent.Harness.Replay;
using TinyAgent.Harness.Tests.Clients;
using TinyAgent.Harness.Tests.Server;

namespace TinyAgent.Harness.Tests.OpenAIResponses;

/// <summary>The built-in <c>openai-responses</c> client against the real server over TCP, one stream ending at a time.</summary>
internal sealed class OpenAIResponsesClientTests
{
    private ReplayServer _server = null!;

    private static IReadOnlyList<ReplayPlan> Plans(Recording recording, params IFault[] faults) =>
        [.. Enumerable.Range(1, 3).Select(attempt => FaultPlanner.Plan(recording, faults, attempt, seed: 5))];

    [OneTimeSetUp]
    public async Task StartAsync() => _server = await ServerTestKit.StartAsync(new StaticScenarioSource(new Dictionary<string, IReadOnlyList<ReplayPlan>>
    {
        ["bytewise"] = Plans(ResponsesStreams.Text, new BytewiseChunkingFault(new())),
        ["split-tool"] = Plans(ResponsesStreams.FunctionCall, new SplitFault(new())),
        ["reasoning"] = Plans(ResponsesStreams.Reasoning, new RandomChunkingFault(new() { Min = 1, Max = 9 })),
        ["error-event"] = Plans(ResponsesStreams.Text, new ErrorEventFault(new() { AfterEvents = 5, Type = "too_many_requests", Message = "Too Many Requests" })),
        ["failed"] = Plans(ResponsesStreams.Failed, new PerFrameChunkingFault(new())),
        ["incomplete"] = Plans(ResponsesStreams.Incomplete, new PerFrameChunkingFault(new())),
        ["drop"] = Plans(ResponsesStreams.Text, new DropFault(new() { AfterEvents = 6, Mode = "clean-close", MidFrame = true })),
        ["retry"] = Plans(ResponsesStreams.Text, new HttpErrorFault(new() { Status = 429, RetryAfterMs = 100 })),
        ["refused"] = Plans(ResponsesStreams.Text, new HttpErrorFault(new() { Status = 400 })),
        ["done-marker"] = Plans(ResponsesStreams.Text, new DoneMarkerFault(new()), new GarbageFault(new() { Modes = ["unknown-types"] })),
    }));

    [OneTimeTearDown]
    public async Task StopAsync() => await _server.DisposeAsync();

    private Task<ClientResult> RunAsync(string scenario) =>
        new OpenAIResponsesClient().RunAsync(ClientTestContext.Create(_server.ScenarioUrl(scenario)), CancellationToken.None).WaitAsync(ClientTestContext.Wait);

    [Test]
    public async Task One_byte_per_read_gives_the_whole_text_and_status_completed()
    {
        var r = await RunAsync("bytewise");

        Assert.That((r.Outcome, r.Text, r.StopReason, r.Error), Is.EqualTo((ClientOutcome.Completed, "Hello, wörld 🌍!", "completed", (ClientError?)null)));
        Assert.That(r.BlockTexts, Is.EqualTo(new Dictionary<int, string> { [0] = "Hello, wörld 🌍!" }));
    }

    [Test]
    public async Task Function_call_arguments_split_anywhere_are_rebuilt_per_output_index()
    {
        var r = await RunAsync("split-tool");

        Assert.That(r.Outcome, Is.EqualTo(ClientOutcome.Completed));
        Assert.That(r.ToolInputs, Is.EqualTo(new Dictionary<int, string> { [0] = "{\"city\":\"Reykjavík\",\"unit\":\"celsius\"}" }));
        Assert.That(r.Text, Is.Empty);
    }

    [Test]
    public async Task Reasoning_summaries_are_not_answer_text()
    {
        var r = await RunAsync("reasoning");

        Assert.That((r.Outcome, r.Text), Is.EqualTo((ClientOutcome.Completed, "27 × 453 = 12231")));
        Assert.That(r.BlockTexts!.Keys, Is.EqualTo(new[] { 1 }));
    }

    [Test]
    public async Task An_error_event_fails_with_the_apis_error_type_and_keeps_the_text_so_far()
    {
        var r = await RunAsync("error-event");

        Assert.That((r.Outcome, r.Error?.Type, r.Error?.Message, r.Text), Is.EqualTo((ClientOutcome.Failed, "too_many_requests", "Too Many Requests", "Hello")));
    }

    [Test]
    public async Task Response_failed_fails_with_its_code_and_status()
    {
        var r = await RunAsync("failed");

        Assert.That((r.Outcome, r.Error?.Type, r.StopReason, r.Text), Is.EqualTo((ClientOutcome.Failed, "server_error", "failed", "To rotate the keys")));
    }

    [Test]
    public async Task Response_incomplete_completes_with_its_reason()
    {
        var r = await RunAsync("incomplete");

        Assert.That((r.Outcome, r.StopReason), Is.EqualTo((ClientOutcome.Completed, "max_output_tokens")));
        Assert.That(StopReasons.IsLength(r.StopReason), Is.True);
    }

    [Test]
    public async Task A_stream_closed_before_its_end_is_an_incomplete_stream()
    {
        var r = await RunAsync("drop");

        Assert.That((r.Outcome, r.Error?.Type), Is.EqualTo((ClientOutcome.Failed, "incomplete_stream")));
        Assert.That(r.Text, Is.EqualTo("Hello, wörld"));
    }

    [Test]
    public async Task A_429_is_retried_after_retry_after_ms_and_the_answer_delivered()
    {
        var r = await RunAsync("retry");
        var evidence = _server.EvidenceFor("retry");

        Assert.That((r.Outcome, r.Text), Is.EqualTo((ClientOutcome.Completed, "Hello, wörld 🌍!")));
        Assert.That(evidence.Select(e => e.Status), Is.EqualTo(new[] { 429, 200 }));
    }

    [Test]
    public async Task A_400_is_not_retried_and_surfaces_the_apis_error()
    {
        var r = await RunAsync("refused");

        Assert.That((r.Outcome, r.Error?.Type), Is.EqualTo((ClientOutcome.Failed, "invalid_request_error")));
        Assert.That(_server.AttemptsOf("refused"), Is.EqualTo(1));
    }

    [Test]
    public async Task A_done_marker_and_unknown_event_types_change_nothing()
    {
        var r = await RunAsync("done-marker");

        Assert.That((r.Outcome, r.Text, r.StopReason), Is.EqualTo((ClientOutcome.Completed, "Hello, wörld 🌍!", "completed")));
    }

    [Test]
    public void Retries_follow_the_sdks_rule()
    {
        static HttpResponseMessage Response(int status, params (string, string)[] headers)
        {
            var response = new HttpResponseMessage((System.Net.HttpStatusCode)status);
            foreach (var (name, value) in headers)
            {
                response.Headers.TryAddWithoutValidation(name, value);
            }

            return response;
        }

        var time = TimeProvider.System;
        Assert.Multiple(() =>
        {
            Assert.That(OpenAIResponsesClient.RetryWait(Response(429, ("retry-after-ms", "250"), ("retry-after", "9")), 0, time), Is.EqualTo(TimeSpan.FromMilliseconds(250)));
            Assert.That(OpenAIResponsesClient.RetryWait(Response(503, ("retry-after", "2")), 1, time), Is.EqualTo(TimeSpan.FromSeconds(2)));
            Assert.That(OpenAIResponsesClient.RetryWait(Response(500), 0, time), Is.EqualTo(TimeSpan.FromMilliseconds(50)));
            Assert.That(OpenAIResponsesClient.RetryWait(Response(500), 1, time), Is.EqualTo(TimeSpan.FromMilliseconds(100)));
            Assert.That(OpenAIResponsesClient.RetryWait(Response(429, ("retry-after", "600")), 0, time), Is.EqualTo(TimeSpan.FromMilliseconds(50)), "longer than 60 s: backoff");
            Assert.That(OpenAIResponsesClient.RetryWait(Response(500), 2, time), Is.Null, "2 retries at most");
            Assert.That(OpenAIResponsesClient.RetryWait(Response(400), 0, time), Is.Null);
            Assert.That(OpenAIResponsesClient.RetryWait(Response(400, ("x-should-retry", "true")), 0, time), Is.Not.Null);
            Assert.That(OpenAIResponsesClient.RetryWait(Response(503, ("x-should-retry", "false")), 0, time), Is.Null);
            foreach (int status in new[] { 408, 409, 429, 500, 502, 529 })
            {
                Assert.That(OpenAIResponsesClient.RetryWait(Response(status), 0, time), Is.Not.Null, status.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        });
    }
}
