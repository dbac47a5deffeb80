using System.Text.Json;
using TinyAgent.Harness.Faults;

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
}
