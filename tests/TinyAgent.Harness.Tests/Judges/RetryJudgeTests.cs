using TinyAgent.Harness.Model;
using TinyAgent.Harness.Verdicts;
using static TinyAgent.Harness.Tests.Judges.Observations;

namespace TinyAgent.Harness.Tests.Judges;

/// <summary>retry: every attempt's status, the wait the server asked for and the wait the client took.</summary>
internal sealed class RetryJudgeTests
{
    private static readonly RetryJudge Judge = new();

    /// <summary>An error attempt that ends at 5 ms, asking for <paramref name="askedMs"/>.</summary>
    private static ServerEvidence Refused(long startMs, int status = 529, int? askedMs = 100, bool? shouldRetry = null) => new()
    {
        RequestId = "req",
        Scenario = "test",
        Status = status,
        StartedTimestamp = ServerStart + TimeSpan.FromMilliseconds(startMs).Ticks,
        EndedAt = TimeSpan.FromMilliseconds(5),
        Ending = ServerEnding.Complete,
        Plan = new PlanSummary
        {
            Status = status,
            Facts = new PlanFacts
            {
                HttpErrorStatus = status,
                RetryAfter = askedMs is int ms ? TimeSpan.FromMilliseconds(ms) : null,
                ShouldRetry = shouldRetry,
            },
        },
    };

    private static RunObservation Attempts(ClientResult result, params ServerEvidence[] attempts)
    {
        var run = Make(result, control: new ControlRun("c/baseline/rec", Result(), Verdict.Handled, "ok"));
        var stream = run.Server[0] with { StartedTimestamp = attempts.Length == 0 ? ServerStart : attempts[^1].StartedTimestamp };
        return run with { Server = [.. attempts[..^1], attempts[^1].Status == 200 ? stream with { StartedTimestamp = attempts[^1].StartedTimestamp } : attempts[^1]] };
    }

    private static ServerEvidence Streamed(long startMs) => new() { RequestId = "req", Scenario = "test", Status = 200, StartedTimestamp = ServerStart + TimeSpan.FromMilliseconds(startMs).Ticks };

    [Test]
    public void Waiting_what_the_server_asked_then_delivering_the_control_answer_is_handled()
    {
        var finding = Judge.Judge(Attempts(Result(), Refused(0), Streamed(120)));

        Assert.That(finding.Verdict, Is.EqualTo(Verdict.Handled), finding.Evidence);
        Assert.That(finding.Evidence, Does.Contain("attempt 1: 529 (asked 100 ms), waited 115 ms; attempt 2: 200"));
    }

    [Test]
    public void Retrying_sooner_than_asked_is_not_handled()
    {
        var finding = Judge.Judge(Attempts(Result(), Refused(0, askedMs: 1000), Streamed(60)));

        Assert.That(finding.Verdict, Is.EqualTo(Verdict.NotHandled));
        Assert.That(finding.Evidence, Does.Contain("retried 55 ms after attempt 1's 529, the server asked for 1000 ms"));
    }

    [Test]
    public void Giving_up_at_the_first_retryable_error_is_not_handled()
    {
        var failed = Result(ClientOutcome.Failed, text: "", stopReason: null, error: new ClientError("overloaded_error", "Overloaded"));
        var finding = Judge.Judge(Attempts(failed, Refused(0)));

        Assert.That(finding.Verdict, Is.EqualTo(Verdict.NotHandled));
        Assert.That(finding.Evidence, Does.StartWith("gave up at the first retryable error (529)"));
    }

    [TestCase(400, null)]
    [TestCase(529, false)]
    public void Retrying_what_must_not_be_retried_is_not_handled_and_surfacing_it_is_handled(int status, bool? shouldRetry)
    {
        var failed = Result(ClientOutcome.Failed, text: "", stopReason: null, error: new ClientError("api_error", "no"));

        Assert.That(Judge.Judge(Attempts(Result(), Refused(0, status, null, shouldRetry), Streamed(50))).Verdict, Is.EqualTo(Verdict.NotHandled));
        Assert.That(Judge.Judge(Attempts(failed, Refused(0, status, null, shouldRetry))).Verdict, Is.EqualTo(Verdict.Handled));
    }

    [Test]
    public void A_stream_that_never_began_with_an_error_status_does_not_exercise_retry() =>
        Assert.That(Judge.Judge(Make(Result())).Verdict, Is.EqualTo(Verdict.NotExercised));
}
