using TinyAgent.Harness.Model;
using TinyAgent.Harness.Verdicts;
using static TinyAgent.Harness.Tests.Judges.Observations;

namespace TinyAgent.Harness.Tests.Judges;

internal sealed class SplitPacketJudgeTests
{
    private static readonly SplitPacketJudge Judge = new();
    private static readonly PlanFacts Cut = new() { CutsInsideFrames = 3 };

    [Test]
    public void Same_text_and_stop_reason_under_cuts_inside_frames_is_handled()
    {
        var finding = Judge.Judge(Make(Result(), Cut));

        Assert.That(finding.Verdict, Is.EqualTo(Verdict.Handled));
        Assert.That(finding.Bug, Is.EqualTo(Bugs.SplitPacket));
    }

    [Test]
    public void Garbled_text_is_not_handled_and_evidence_names_the_first_difference()
    {
        var finding = Judge.Judge(Make(Result(text: "Hello, wor!"), Cut));

        Assert.That(finding.Verdict, Is.EqualTo(Verdict.NotHandled));
        Assert.That(finding.Evidence, Does.Contain("differs at char 10"));
        Assert.That(finding.Evidence, Does.Contain("expected \"llo, world! Bye.\", got \"llo, wor!\""));
    }

    [Test]
    public void An_exception_is_not_handled_and_is_the_evidence()
    {
        var error = new ClientError("JsonException", "'d' is an invalid end of a number");
        var finding = Judge.Judge(Make(Result(ClientOutcome.Failed, text: "Hel", error: error), Cut));

        Assert.That(finding.Verdict, Is.EqualTo(Verdict.NotHandled));
        Assert.That(finding.Evidence, Does.Contain("JsonException"));
    }

    [Test]
    public void Per_block_texts_are_compared_when_the_client_exposes_them()
    {
        var result = Result() with { BlockTexts = new Dictionary<int, string> { [0] = "Hello, world! Bye" } };
        var finding = Judge.Judge(Make(result, Cut));

        Assert.That(finding.Verdict, Is.EqualTo(Verdict.NotHandled));
        Assert.That(finding.Evidence, Does.Contain("text of block 0 differs at char 17"));
    }

    [Test]
    public void Tool_inputs_are_compared_as_parsed_json()
    {
        var same = Result(stopReason: "end_turn") with { ToolInputs = new Dictionary<int, string> { [1] = """{ "n": 1, "city": "Paris" }""" } };
        var different = same with { ToolInputs = new Dictionary<int, string> { [1] = """{"city": "Par"}""" } };
        var body = Body(withTool: true);

        Assert.That(Judge.Judge(Make(same, Cut, body)).Verdict, Is.EqualTo(Verdict.Handled));
        Assert.That(Judge.Judge(Make(different, Cut, body)).Evidence, Does.Contain("tool input of block 1"));
    }

    [Test]
    public void A_stop_reason_lost_under_cuts_is_not_handled_but_one_the_client_never_reports_is_not_charged()
    {
        var lost = Result(stopReason: null);
        var reportsIt = new ControlRun("control-1", Result(stopReason: "end_turn"), Verdict.Handled, "read as the reference reader does");
        var neverReports = reportsIt with { Result = Result(stopReason: null) };

        var charged = Judge.Judge(Make(lost, Cut, control: reportsIt));
        Assert.That(charged.Verdict, Is.EqualTo(Verdict.NotHandled));
        Assert.That(charged.Evidence, Does.Contain("stop_reason none, its control reported end_turn"));
        Assert.That(Judge.Judge(Make(lost, Cut, control: neverReports)).Verdict, Is.EqualTo(Verdict.Handled));
    }

    [TestCase(ClientOutcome.Hung)]
    [TestCase(ClientOutcome.Crashed)]
    public void A_hung_or_crashed_client_is_not_handled(ClientOutcome outcome)
    {
        Assert.That(Judge.Judge(Make(Result(outcome, text: ""), Cut)).Verdict, Is.EqualTo(Verdict.NotHandled));
    }

    [Test]
    public void Cuts_only_at_frame_boundaries_do_not_exercise_it()
    {
        Assert.That(Judge.Judge(Make(Result(text: "garbled"), new PlanFacts())).Verdict, Is.EqualTo(Verdict.NotExercised));
    }

    [Test]
    public void A_lossy_plan_or_a_give_up_consumer_does_not_exercise_it()
    {
        var lossy = Cut with { InjectedErrorType = "overloaded_error" };
        var giveUp = new ConsumerModel("give-up-2", 2);

        Assert.That(Judge.Judge(Make(Result(text: "x"), lossy)).Verdict, Is.EqualTo(Verdict.NotExercised));
        Assert.That(Judge.Judge(Make(Result(text: "x"), Cut, end: StreamEnd.Reset)).Verdict, Is.EqualTo(Verdict.NotExercised));
        Assert.That(Judge.Judge(Make(Result(text: "x"), Cut, consumer: giveUp)).Verdict, Is.EqualTo(Verdict.NotExercised));
    }
}
