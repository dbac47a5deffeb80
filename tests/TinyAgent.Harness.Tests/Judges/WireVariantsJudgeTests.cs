using TinyAgent.Harness.Model;
using TinyAgent.Harness.Verdicts;
using static TinyAgent.Harness.Tests.Judges.Observations;

namespace TinyAgent.Harness.Tests.Judges;

/// <summary>wire-variants: a lossless variation must give the control answer, with no error.</summary>
internal sealed class WireVariantsJudgeTests
{
    private static readonly WireVariantsJudge Judge = new();
    private static readonly PlanFacts Bom = new() { WireVariants = ["bom"] };
    private static readonly ControlRun Control = new("c/baseline/rec", Result(), Verdict.Handled, "ok");

    [Test]
    public void The_control_answer_under_a_variation_is_handled()
    {
        var finding = Judge.Judge(Make(Result(), Bom, control: Control));

        Assert.That(finding.Verdict, Is.EqualTo(Verdict.Handled));
        Assert.That(finding.Evidence, Does.StartWith("bom: the same answer as its control run"));
    }

    [Test]
    public void Losing_the_first_event_to_a_bom_or_failing_on_a_done_marker_is_not_handled()
    {
        var lost = Judge.Judge(Make(Result(text: ", world! Bye."), Bom, control: Control));
        var failed = Judge.Judge(Make(Result(ClientOutcome.Failed, error: new ClientError("JsonException", "'D' is invalid")), new PlanFacts { WireVariants = ["done-marker"] }, control: Control));

        Assert.That(lost.Verdict, Is.EqualTo(Verdict.NotHandled));
        Assert.That(failed.Verdict, Is.EqualTo(Verdict.NotHandled));
        Assert.That(failed.Evidence, Does.Contain("done-marker: surfaced JsonException"));
    }

    [Test]
    public void No_variation_or_a_lossy_plan_is_not_exercised()
    {
        Assert.That(Judge.Judge(Make(Result(), control: Control)).Verdict, Is.EqualTo(Verdict.NotExercised));
        Assert.That(Judge.Judge(Make(Result(), Bom with { Truncated = true }, control: Control)).Verdict, Is.EqualTo(Verdict.NotExercised));
    }
}
