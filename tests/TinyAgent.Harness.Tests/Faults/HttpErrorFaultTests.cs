using System.Text.Json;
using TinyAgent.Harness.Plan;
using TinyAgent.Harness.Model;
using TinyAgent.Harness.Plan.Faults;

namespace TinyAgent.Harness.Tests.Faults;

internal sealed class HttpErrorFaultTests
{
    [Test]
    public void Http_error_answers_the_first_attempts_then_the_normal_stream()
    {
        IFault[] faults = [new HttpErrorFault(new() { Status = 529, Attempts = 2 }), new SplitFault(new())];
        var first = FaultPlanner.Plan(TestStreams.Lf, faults, attempt: 1, seed: 1);
        var second = FaultPlanner.Plan(TestStreams.Lf, faults, attempt: 2, seed: 1);
        var third = FaultPlanner.Plan(TestStreams.Lf, faults, attempt: 3, seed: 1);

        Assert.That((first.Status, second.Status, third.Status), Is.EqualTo((529, 529, 200)));
        Assert.That(first.Facts.HttpErrorStatus, Is.EqualTo(529));
        Assert.That(first.Chunks, Has.Count.EqualTo(1), "later stages do not run on an error reply");
        Assert.That(first.Expected, Is.Null);
        Assert.That(third.Body, Is.EqualTo(TestStreams.Lf.Body));
        Assert.That(third.Facts.HttpErrorStatus, Is.Null);
        Assert.That(third.Facts.SplitKinds, Is.Not.Empty);
    }

    [TestCase(429, "rate_limit_error")]
    [TestCase(500, "api_error")]
    [TestCase(529, "overloaded_error")]
    [TestCase(401, "authentication_error")]
    [TestCase(418, "invalid_request_error")]
    public void Http_error_body_is_the_APIs_error_JSON(int status, string type)
    {
        var plan = TestStreams.Plan(TestStreams.Lf, new HttpErrorFault(new() { Status = status }));
        using var doc = JsonDocument.Parse(plan.Body);

        Assert.That(doc.RootElement.GetProperty("type").GetString(), Is.EqualTo("error"));
        Assert.That(doc.RootElement.GetProperty("error").GetProperty("type").GetString(), Is.EqualTo(type));
        Assert.That(doc.RootElement.GetProperty("request_id").GetString(), Does.StartWith("req_"));
        Assert.That(plan.Headers, Does.Contain(new KeyValuePair<string, string>("content-type", "application/json")));
    }

    [Test]
    public void Retry_after_and_should_retry_become_headers()
    {
        var plan = TestStreams.Plan(TestStreams.Lf, new HttpErrorFault(new() { RetryAfterSeconds = 2, ShouldRetry = true }));

        Assert.That(plan.Headers, Does.Contain(new KeyValuePair<string, string>("retry-after", "2")));
        Assert.That(plan.Headers, Does.Contain(new KeyValuePair<string, string>("retry-after-ms", "2000")));
        Assert.That(plan.Headers, Does.Contain(new KeyValuePair<string, string>("x-should-retry", "true")));
    }

    // Captured before the error table moved to ApiError: the refactor must not change a byte (escaping included).
    [TestCase(429, null, "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"Number of request tokens has exceeded your per-minute rate limit\"},\"request_id\":\"req_6kepqs91y79vvq0wch2yfu5d\"}")]
    [TestCase(418, null, "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"Invalid request\"},\"request_id\":\"req_6kepqs91y79vvq0wch2yfu5d\"}")]
    [TestCase(503, null, "{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"Internal server error\"},\"request_id\":\"req_6kepqs91y79vvq0wch2yfu5d\"}")]
    [TestCase(529, "Busy <now> & \"later\" é", "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Busy \\u003Cnow\\u003E \\u0026 \\u0022later\\u0022 \\u00E9\"},\"request_id\":\"req_6kepqs91y79vvq0wch2yfu5d\"}")]
    public void Http_error_body_bytes_are_unchanged(int status, string? message, string expected)
    {
        var plan = TestStreams.Plan(TestStreams.Lf, new HttpErrorFault(new() { Status = status, Message = message }));

        Assert.That(TestStreams.Text(plan.Body), Is.EqualTo(expected));
    }

    [Test]
    public void Retry_after_ms_alone_is_the_wait_asked()
    {
        var plan = TestStreams.Plan(TestStreams.Lf, new HttpErrorFault(new() { RetryAfterMs = 1250, ShouldRetry = true }));

        Assert.That(plan.Headers.Where(h => h.Key.StartsWith("retry-after", StringComparison.Ordinal)), Is.EqualTo(new[] { new KeyValuePair<string, string>("retry-after-ms", "1250") }));
        Assert.That((plan.Facts.RetryAfter, plan.Facts.ShouldRetry), Is.EqualTo(((TimeSpan?)TimeSpan.FromMilliseconds(1250), (bool?)true)));
    }

    [Test]
    public void Retry_after_seconds_reports_its_wait_and_keeps_its_two_headers()
    {
        var plan = TestStreams.Plan(TestStreams.Lf, new HttpErrorFault(new() { RetryAfterSeconds = 3, ShouldRetry = false }));

        Assert.That(plan.Headers, Does.Contain(new KeyValuePair<string, string>("retry-after", "3")).And.Contain(new KeyValuePair<string, string>("retry-after-ms", "3000")));
        Assert.That((plan.Facts.RetryAfter, plan.Facts.ShouldRetry), Is.EqualTo(((TimeSpan?)TimeSpan.FromSeconds(3), (bool?)false)));
    }

    [Test]
    public void Retry_after_date_is_dated_by_the_server_and_retry_after_ms_still_comes_first()
    {
        var plan = TestStreams.Plan(TestStreams.Lf, new HttpErrorFault(new() { Status = 529, RetryAfterDate = 2, RetryAfterMs = 700 }));

        Assert.That(plan.TimedHeaders, Is.EqualTo(new[] { new Plan.TimedHeader("retry-after", TimeSpan.FromSeconds(2), Plan.TimedHeaderFormat.HttpDate) }));
        Assert.That(plan.Headers.Any(h => h.Key == "retry-after"), Is.False, "the plan itself never reads the clock");
        Assert.That(plan.Facts.RetryAfter, Is.EqualTo(TimeSpan.FromMilliseconds(700)), "the SDKs read retry-after-ms first");
        var alone = TestStreams.Plan(TestStreams.Lf, new HttpErrorFault(new() { RetryAfterDate = 2 }));
        Assert.That(alone.Facts.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(2)));
    }

    [Test]
    public void Timed_headers_round_up_to_the_second_in_their_format()
    {
        var now = new DateTimeOffset(2025, 8, 21, 12, 40, 57, 300, TimeSpan.FromHours(2));

        Assert.That(new Plan.TimedHeader("retry-after", TimeSpan.FromSeconds(2), Plan.TimedHeaderFormat.HttpDate).Value(now), Is.EqualTo("Thu, 21 Aug 2025 10:41:00 GMT"));
        Assert.That(new Plan.TimedHeader("r", TimeSpan.FromSeconds(1), Plan.TimedHeaderFormat.Rfc3339).Value(now.AddMilliseconds(700)), Is.EqualTo("2025-08-21T10:40:59Z"));
    }

    [Test]
    public void Rate_limit_headers_name_every_bucket_with_rfc3339_resets()
    {
        var plan = TestStreams.Plan(TestStreams.Lf, new HttpErrorFault(new() { RateLimitHeaders = true, RetryAfterSeconds = 5 }));

        foreach (string bucket in new[] { "requests", "tokens", "input-tokens", "output-tokens" })
        {
            Assert.That(plan.Headers.Single(h => h.Key == $"anthropic-ratelimit-{bucket}-limit").Value, Does.Match("^[1-9][0-9]*$"));
            Assert.That(plan.Headers.Single(h => h.Key == $"anthropic-ratelimit-{bucket}-remaining").Value, Is.EqualTo("0"), "a 429 has an empty bucket");
            Assert.That(plan.TimedHeaders.Single(h => h.Name == $"anthropic-ratelimit-{bucket}-reset"), Is.EqualTo(new Plan.TimedHeader($"anthropic-ratelimit-{bucket}-reset", TimeSpan.FromSeconds(5), Plan.TimedHeaderFormat.Rfc3339)));
        }
    }

    [TestCase("http-error:retryAfterSeconds=1,retryAfterMs=5", "f.retryAfterMs: give retryAfterSeconds (which sends both headers) or retryAfterMs, not both")]
    [TestCase("http-error:retryAfterSeconds=1,retryAfterDate=5", "f.retryAfterDate: give retryAfterSeconds or retryAfterDate (both are retry-after), not both")]
    [TestCase("http-error:retryAfterMs=-1", "f.retryAfterMs: must not be negative")]
    [TestCase("http-error:retryAfterDate=-1", "f.retryAfterDate: must not be negative")]
    public void Conflicting_or_negative_retry_options_are_rejected(string spec, string message)
    {
        Assert.That(() => FaultRegistry.Parse(spec, "f"), Throws.InstanceOf<HarnessInputException>().With.Message.EqualTo(message));
    }
}
