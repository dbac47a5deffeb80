using TinyAgent.Harness.Model;
using TinyAgent.Harness.Verdicts;
using static TinyAgent.Harness.Tests.Judges.Observations;

namespace TinyAgent.Harness.Tests.Judges;

internal sealed class SilentTruncationJudgeTests
{
    private static readonly SilentTruncationJudge Judge = new();
    private static readonly PlanFacts ErrorEvent = new() { InjectedErrorType = "overloaded_error" };

    [Test]
    public void A_normal_looking_answer_after_an_error_event_is_not_handled_and_shows_what_was_returned()
    {
        var finding = Judge.Judge(Make(Result(stopReason: null), ErrorEvent, Body(errorType: "overloaded_error")));

        Assert.That(finding.Verdict, Is.EqualTo(Verdict.NotHandled));
        Assert.That(finding.Evidence, Does.Contain("injected error event (overloaded_error)"));
        Assert.That(finding.Evidence, Does.Contain("completed, 18 chars of text, stop_reason none, no error"));
    }

    [Test]
    public void A_surfaced_error_after_an_error_event_is_handled()
    {
        var failed = Result(ClientOutcome.Failed, stopReason: null, error: new ClientError("overloaded_error", "Overloaded"));

        Assert.That(Judge.Judge(Make(failed, ErrorEvent, Body(errorType: "overloaded_error"))).Verdict, Is.EqualTo(Verdict.Handled));
    }

    [TestCase(StreamEnd.CleanClose)]
    [TestCase(StreamEnd.Reset)]
    public void A_drop_before_message_stop_must_surface_an_error(StreamEnd end)
    {
        var facts = new PlanFacts { Truncated = true, BytesDropped = 100 };
        var body = Body(withStop: false);
        var failed = Result(ClientOutcome.Failed, error: new ClientError("incomplete_stream", "ended before message_stop"));

        Assert.That(Judge.Judge(Make(Result(), facts, body, end)).Verdict, Is.EqualTo(Verdict.NotHandled));
        Assert.That(Judge.Judge(Make(failed, facts, body, end)).Verdict, Is.EqualTo(Verdict.Handled));
    }

    [Test]
    public void A_recording_without_message_stop_exercises_it_without_any_fault()
    {
        var finding = Judge.Judge(Make(Result(), body: Body(withStop: false)));

        Assert.That(finding.Verdict, Is.EqualTo(Verdict.NotHandled));
        Assert.That(finding.Evidence, Does.Contain("without its end event"));
    }

    [Test]
    public void A_max_tokens_ending_must_be_surfaced_as_max_tokens()
    {
        var facts = new PlanFacts { MaxTokensEnding = true };
        var body = Body(stopReason: "max_tokens");

        Assert.That(Judge.Judge(Make(Result(stopReason: "max_tokens"), facts, body)).Verdict, Is.EqualTo(Verdict.Handled));
        var silent = Judge.Judge(Make(Result(stopReason: null), facts, body));
        Assert.That(silent.Verdict, Is.EqualTo(Verdict.NotHandled));
        Assert.That(silent.Evidence, Does.Contain("reports no stop_reason at all"));
        var asError = Result(ClientOutcome.Failed, stopReason: null, error: new ClientError("max_tokens", "cut off"));
        Assert.That(Judge.Judge(Make(asError, facts, body)).Verdict, Is.EqualTo(Verdict.Handled));
    }

    [Test]
    public void A_hung_client_after_a_drop_is_not_handled()
    {
        var hung = Result(ClientOutcome.Hung, error: new ClientError("hung", "still running at the deadline"));

        Assert.That(Judge.Judge(Make(hung, new PlanFacts { Truncated = true }, Body(withStop: false), StreamEnd.CleanClose)).Verdict, Is.EqualTo(Verdict.NotHandled));
    }

    [Test]
    public void A_complete_stream_a_stall_or_a_give_up_consumer_does_not_exercise_it()
    {
        Assert.That(Judge.Judge(Make(Result())).Verdict, Is.EqualTo(Verdict.NotExercised));
        Assert.That(Judge.Judge(Make(Result(), new PlanFacts { Stalls = true, Truncated = true })).Verdict, Is.EqualTo(Verdict.NotExercised));
        Assert.That(Judge.Judge(Make(Result(), ErrorEvent, consumer: new ConsumerModel("give-up", 2))).Verdict, Is.EqualTo(Verdict.NotExercised));
    }
}
