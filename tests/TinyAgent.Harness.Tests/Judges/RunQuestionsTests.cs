using TinyAgent.Harness.Model;
using TinyAgent.Harness.Verdicts;
using static TinyAgent.Harness.Tests.Judges.Observations;

namespace TinyAgent.Harness.Tests.Judges;

/// <summary>The questions every judge shares, answered once: these pin the answers the judges agree on.</summary>
internal sealed class RunQuestionsTests
{
    [Test]
    public void The_plan_summary_marks_where_each_text_delta_ends_and_the_text_a_reader_has_by_then()
    {
        var run = Make(Result());
        var marks = run.Plan.TextDeltas;

        Assert.That(marks, Has.Count.EqualTo(Deltas.Length));
        Assert.That(marks[1].TextLength, Is.EqualTo((Deltas[0] + Deltas[1]).Length));
        Assert.That(marks[1].End, Is.EqualTo(run.Plan.FrameEnds[3]), "message_start, block start, two deltas");
    }

    [Test]
    public void Only_a_plan_that_changes_nothing_but_the_cuts_is_lossless()
    {
        Assert.That(RunQuestions.IsLossless(new PlanFacts { CutsInsideFrames = 12, SplitKinds = ["utf8"] }), Is.True);
        Assert.That(RunQuestions.IsLossless(new PlanFacts { InjectedErrorType = "overloaded_error" }), Is.False);
        Assert.That(RunQuestions.IsLossless(new PlanFacts { MaxTokensEnding = true }), Is.False);
        Assert.That(RunQuestions.IsLossless(new PlanFacts { Stalls = true }), Is.False);
        Assert.That(RunQuestions.IsLossless(new PlanFacts { HttpErrorStatus = 529 }), Is.False);
        Assert.That(RunQuestions.IsLossless(new PlanFacts { Garbage = true }), Is.False);
        Assert.That(RunQuestions.IsLossless(new PlanFacts { BytesDropped = 1 }), Is.False);
    }

    [Test]
    public void Expected_comes_from_the_plan_and_falls_back_to_the_recording()
    {
        var run = Make(Result(ClientOutcome.Completed, text: "x", stopReason: "end_turn"));
        Assert.That(RunQuestions.Expected(run), Is.SameAs(run.Plan.Expected ?? run.RecordingExpected));
        var withoutPlanExpectation = run with { Plan = run.Plan with { Expected = null } };
        Assert.That(RunQuestions.Expected(withoutPlanExpectation), Is.SameAs(run.RecordingExpected));
    }

    [Test]
    public void The_stream_request_is_the_last_attempt_and_read_all_depends_on_the_consumer()
    {
        var run = Make(Result(ClientOutcome.Completed, text: "x", stopReason: "end_turn"));
        Assert.That(RunQuestions.StreamRequest(run), Is.SameAs(run.Server[^1]));
        Assert.That(RunQuestions.StreamRequest(run with { Server = [] }), Is.Null);
        Assert.That(RunQuestions.ReadsAll(run), Is.True);
        Assert.That(RunQuestions.ReadsAll(run with { Consumer = new ConsumerModel("give-up", 2) }), Is.False);
    }

    [Test]
    public void Evidence_describes_what_the_client_returned_on_one_line()
    {
        var failed = Result(ClientOutcome.Failed, text: "Hello", stopReason: null) with { Error = new ClientError("overloaded_error", "Overloaded\nsecond line"), ExitCode = 3 };
        string text = RunQuestions.Describe(failed);

        Assert.That(text, Is.EqualTo("failed, 5 chars of text, stop_reason none, error overloaded_error: \"Overloaded\\nsecond line\", exit code 3"));
        Assert.That(RunQuestions.Describe(failed with { StopReason = null, Error = null, ExitCode = null }), Is.EqualTo("failed, 5 chars of text, stop_reason none, no error"));
        Assert.That(RunQuestions.Excerpt("abcdef", 2, 3), Is.EqualTo("\"cde\"..."));
        Assert.That(RunQuestions.Excerpt("abc", 3), Is.EqualTo("(end)"));
    }
}
