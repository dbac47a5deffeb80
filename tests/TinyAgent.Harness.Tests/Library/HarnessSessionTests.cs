using System.Net.Http.Headers;
using System.Text;
using TinyAgent.Harness.Library;
using TinyAgent.Harness.Tests.Recordings;

namespace TinyAgent.Harness.Tests.Library;

/// <summary>
/// The library API end to end over real TCP: hand-written clients that show each bug (a ghost, a silent truncation,
/// a hang) are caught, a correct one passes, and bad input fails with a one-line message.
/// </summary>
[TestFixture]
public sealed class HarnessSessionTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private const string Body = """{"model":"m","max_tokens":16,"stream":true,"messages":[{"role":"user","content":"hi"}]}""";

    private HarnessSession _session = null!;
    private HttpClient _http = null!;

    [OneTimeSetUp]
    public async Task Start()
    {
        _session = await HarnessSession.StartAsync(new HarnessSessionOptions
        {
            RecordingsFolder = RepoPaths.RecordingsFolder,
            IdleTimeout = TimeSpan.FromMilliseconds(500),
            Deadline = TimeSpan.FromSeconds(3),
        }).WaitAsync(Bound);
        _http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
    }

    [OneTimeTearDown]
    public async Task Stop()
    {
        _http.Dispose();
        await _session.DisposeAsync().AsTask().WaitAsync(Bound);
    }

    [Test]
    public void Recordings_of_the_folder_are_listed_by_name() =>
        Assert.That(_session.Recordings, Does.Contain("text-short").And.Contain("tool-use"));

    [Test]
    public async Task A_client_that_ignores_the_error_event_is_not_handled_for_silent_truncation()
    {
        var scenario = _session.AddScenario("text-short", "error-event:afterEvents=5");

        string body = await ReadBodyAsync(scenario.BaseUrl).WaitAsync(Bound);
        var verdicts = await _session.JudgeAsync(scenario, ClientAnswer.Completed(TextOf(body), "end_turn")).WaitAsync(Bound);

        Assert.That(body, Does.Contain("event: error"));
        Assert.That(verdicts.SilentTruncation.Verdict, Is.EqualTo(BugVerdictKind.NotHandled), verdicts.ToString());
        Assert.That(verdicts.NoBugs, Is.False);
        Assert.That(verdicts.Requests, Is.EqualTo(1));
    }

    [Test]
    public async Task Reporting_the_error_event_is_handled()
    {
        var scenario = _session.AddScenario("text-short", "error-event:afterEvents=5");

        string body = await ReadBodyAsync(scenario.BaseUrl).WaitAsync(Bound);
        var verdicts = await _session.JudgeAsync(scenario, ClientAnswer.Failed("overloaded_error", "Overloaded", TextOf(body))).WaitAsync(Bound);

        Assert.That(verdicts.SilentTruncation.Verdict, Is.EqualTo(BugVerdictKind.Handled), verdicts.ToString());
        Assert.That(verdicts.SplitPacket.Verdict, Is.EqualTo(BugVerdictKind.NotExercised));
    }

    [Test]
    public async Task A_client_that_returns_text_other_than_recorded_under_splits_is_not_handled()
    {
        var scenario = _session.AddScenario("text-short", "split");

        await ReadBodyAsync(scenario.BaseUrl).WaitAsync(Bound);
        var verdicts = await _session.JudgeAsync(scenario, ClientAnswer.Completed(scenario.ExpectedText[..^3], scenario.ExpectedStopReason)).WaitAsync(Bound);

        Assert.That(verdicts.SplitPacket.Verdict, Is.EqualTo(BugVerdictKind.NotHandled), verdicts.ToString());
        Assert.That(verdicts.SplitPacket.Evidence, Does.Contain("cut"));
    }

    [Test]
    public async Task A_ghost_that_keeps_reading_after_giving_up_is_not_handled()
    {
        var scenario = new ScenarioOptions("text-short") { Faults = ["latency:firstByteMs=0,betweenChunksMs=80"], GiveUpAfterDeltas = 3 };

        // The naive loop: "gives up" but never disposes the response, which keeps flowing to the end.
        var verdicts = await _session.RunAsync(scenario, async (handle, ct) =>
        {
            using var response = await SendAsync(handle.BaseUrl, ct);
            var stream = await response.Content.ReadAsStreamAsync(ct);
            var seen = new StringBuilder();
            var buffer = new byte[4096];
            bool marked = false;
            int read;
            while ((read = await stream.ReadAsync(buffer, ct)) > 0)
            {
                seen.Append(Encoding.UTF8.GetString(buffer, 0, read));
                if (!marked && CountDeltas(seen.ToString()) >= 3)
                {
                    handle.MarkGaveUp();
                    marked = true;
                }
            }

            return ClientAnswer.GaveUpWith("partial");
        }).WaitAsync(Bound);

        Assert.That(verdicts.GhostStream.Verdict, Is.EqualTo(BugVerdictKind.NotHandled), verdicts.ToString());
        Assert.That(verdicts.GhostStream.Evidence, Does.Contain("bytes"));
    }

    [Test]
    public async Task Cancelling_the_read_after_giving_up_is_handled()
    {
        var scenario = new ScenarioOptions("text-short") { Faults = ["latency:firstByteMs=0,betweenChunksMs=80"], GiveUpAfterDeltas = 3 };

        var verdicts = await _session.RunAsync(scenario, async (handle, ct) =>
        {
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
            using var response = await SendAsync(handle.BaseUrl, cts.Token);
            var stream = await response.Content.ReadAsStreamAsync(cts.Token);
            var seen = new StringBuilder();
            var buffer = new byte[4096];
            while (CountDeltas(seen.ToString()) < 3)
            {
                int read = await stream.ReadAsync(buffer, cts.Token);
                Assert.That(read, Is.Positive, "the stream ended before 3 deltas");
                seen.Append(Encoding.UTF8.GetString(buffer, 0, read));
            }

            // The fix: cancel a pending read, which aborts the connection (disposing alone would drain the body).
            handle.MarkGaveUp();
            var pending = stream.ReadAsync(buffer, cts.Token).AsTask();
            while (pending.IsCompletedSuccessfully && pending.Result > 0)
            {
                pending = stream.ReadAsync(buffer, cts.Token).AsTask(); // skip what is already buffered
            }

            await cts.CancelAsync();
            Assert.That(async () => await pending, Throws.InstanceOf<OperationCanceledException>());
            return ClientAnswer.GaveUpWith("partial");
        }).WaitAsync(Bound);

        Assert.That(verdicts.GhostStream.Verdict, Is.EqualTo(BugVerdictKind.Handled), verdicts.ToString());
    }

    [Test]
    public async Task A_client_that_ignores_its_token_under_a_stall_is_reported_hung()
    {
        var scenario = new ScenarioOptions("text-short") { Faults = ["stall:afterEvents=4"] };

        // Reads the whole body with no timeout and never honours the deadline: fine on the control, hung on the stall.
        var verdicts = await _session.RunAsync(scenario, async (handle, _) =>
        {
            using var response = await SendAsync(handle.BaseUrl, CancellationToken.None);
            await response.Content.ReadAsStringAsync(CancellationToken.None);
            return ClientAnswer.Completed(handle.ExpectedText, handle.ExpectedStopReason);
        }).WaitAsync(Bound);

        Assert.That(verdicts.Baseline.Verdict, Is.EqualTo(BugVerdictKind.Handled), verdicts.ToString());
        Assert.That(verdicts.Stall.Verdict, Is.EqualTo(BugVerdictKind.NotHandled), verdicts.ToString());
        Assert.That(verdicts.ClientSummary, Does.StartWith("hung"));
    }

    [Test]
    public async Task A_scenario_no_request_reached_exercises_no_bug_as_in_the_suite()
    {
        var scenario = _session.AddScenario("text-short", "split", "stall:afterEvents=4");

        var verdicts = await _session.JudgeAsync(scenario, ClientAnswer.Completed("", "end_turn")).WaitAsync(Bound);

        Assert.That(verdicts.Requests, Is.EqualTo(0));
        foreach (var bug in new[] { verdicts.SplitPacket, verdicts.SilentTruncation, verdicts.GhostStream, verdicts.Stall })
        {
            Assert.That(bug.Verdict, Is.EqualTo(BugVerdictKind.NotExercised), verdicts.ToString());
            Assert.That(bug.Evidence, Does.Contain("no request reached the replayed stream"));
        }
    }

    [Test]
    public async Task A_scenario_is_judged_only_once()
    {
        var scenario = _session.AddScenario("text-short");
        string body = await ReadBodyAsync(scenario.BaseUrl).WaitAsync(Bound);
        var outcome = ClientAnswer.Completed(TextOf(body), "end_turn");
        var verdicts = await _session.JudgeAsync(scenario, outcome).WaitAsync(Bound);

        var again = await Assert.ThrowsAsync<InvalidOperationException>(() => _session.JudgeAsync(scenario, outcome));

        Assert.That(verdicts.NoBugs, Is.True, verdicts.ToString());
        Assert.That(again!.Message, Does.Contain("already judged"));
    }

    [Test]
    public void An_unknown_recording_is_named_with_the_known_ones()
    {
        var e = Assert.Throws<ArgumentException>(() => _session.AddScenario("no-such-recording"));
        Assert.That(e!.Message, Does.StartWith("recording 'no-such-recording' is not loaded (known: ").And.Contain("text-short"));
    }

    [Test]
    public void A_bad_fault_spec_is_one_line_naming_the_fault()
    {
        var e = Assert.Throws<ArgumentException>(() => _session.AddScenario("text-short", "split", "no-such-fault"));
        Assert.That(e!.Message, Does.StartWith("scenario 'text-short': faults[1]").And.Contain("no-such-fault"));
        Assert.That(e.Message, Does.Not.Contain('\n'));
    }

    [Test]
    public async Task Options_without_recordings_are_rejected()
    {
        var e = await Assert.ThrowsAsync<ArgumentException>(() => HarnessSession.StartAsync(new HarnessSessionOptions()));
        Assert.That(e!.Message, Does.Contain("RecordingsFolder or RecordingPaths"));
    }

    [Test]
    public async Task A_missing_recording_file_is_named()
    {
        var e = await Assert.ThrowsAsync<ArgumentException>(() => HarnessSession.StartAsync(new HarnessSessionOptions { RecordingPaths = ["nowhere/missing.sse"] }));
        Assert.That(e!.Message, Does.StartWith("nowhere/missing.sse: recording not found"));
    }

    private Task<HttpResponseMessage> SendAsync(Uri baseUrl, CancellationToken ct)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUrl + "/v1/messages"))
        {
            Content = new StringContent(Body, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        request.Headers.Add("x-api-key", "sk-ant-test");
        request.Headers.Add("anthropic-version", "2023-06-01");
        return _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
    }

    private async Task<string> ReadBodyAsync(Uri baseUrl)
    {
        using var response = await SendAsync(baseUrl, CancellationToken.None);
        return await response.Content.ReadAsStringAsync();
    }

    private static int CountDeltas(string body) => body.Split("\"text_delta\"").Length - 1;

    /// <summary>The text deltas' text, the way a naive but buffer-correct reader would join them.</summary>
    private static string TextOf(string body)
    {
        var text = new StringBuilder();
        foreach (string line in body.Replace("\r\n", "\n").Split('\n'))
        {
            if (line.StartsWith("data:", StringComparison.Ordinal) && line.Contains("\"text_delta\"", StringComparison.Ordinal))
            {
                using var doc = System.Text.Json.JsonDocument.Parse(line[5..]);
                text.Append(doc.RootElement.GetProperty("delta").GetProperty("text").GetString());
            }
        }

        return text.ToString();
    }
}
