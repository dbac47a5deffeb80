using TinyAgent.Harness.Model;
using TinyAgent.Harness.Verdicts;
using static TinyAgent.Harness.Tests.Judges.Observations;

namespace TinyAgent.Harness.Tests.Judges;

/// <summary>baseline: the control run read as the reference reader reads it, stop reasons by meaning.</summary>
internal sealed class BaselineJudgeTests
{
    private static readonly BaselineJudge Judge = new();

    private static RunObservation Control(ClientResult result, byte[]? body = null) => Make(result, body: body) with { IsControl = true };

    [Test]
    public void The_reference_answer_on_the_control_is_handled_and_other_runs_are_not_judged()
    {
        Assert.That(Judge.Judge(Control(Result())).Verdict, Is.EqualTo(Verdict.Handled));
        Assert.That(Judge.Judge(Make(Result())).Verdict, Is.EqualTo(Verdict.NotExercised));
    }

    [Test]
    public void Text_read_differently_without_any_fault_is_not_handled()
    {
        var finding = Judge.Judge(Control(Result(text: "")));

        Assert.That(finding.Verdict, Is.EqualTo(Verdict.NotHandled));
        Assert.That(finding.Evidence, Does.Contain("on the unfaulted stream: text differs at char 0"));
    }

    [TestCase("end_turn", Verdict.Handled)]
    [TestCase("stop", Verdict.Handled)]
    [TestCase("END_TURN", Verdict.Handled)]
    [TestCase(null, Verdict.Handled)]
    [TestCase("length", Verdict.NotHandled)]
    [TestCase("max_tokens", Verdict.NotHandled)]
    public void Stop_reasons_compare_by_meaning_and_only_when_reported(string? reported, Verdict verdict) =>
        Assert.That(Judge.Judge(Control(Result(stopReason: reported))).Verdict, Is.EqualTo(verdict));

    [Test]
    public void An_sdk_spelling_of_refusal_reads_the_same()
    {
        var body = Body(stopReason: "refusal");

        Assert.That(Judge.Judge(Control(Result(stopReason: "content-filter"), body)).Verdict, Is.EqualTo(Verdict.Handled));
        Assert.That(StopReasons.Meaning("content_filter"), Is.EqualTo(StopReasons.Meaning("refusal")));
        Assert.That(StopReasons.IsLength("max_output_tokens"), Is.True);
    }

    [TestCase("ToolCalls", "tool_calls")]
    [TestCase("ContentFilter", "content_filter")]
    [TestCase("EndTurn", "end_turn")]
    [TestCase("Length", "length")]
    [TestCase("max-tokens", "max_tokens")]
    public void A_dotnet_enum_name_or_kebab_spelling_means_the_wire_value(string sdkName, string wire) =>
        Assert.That(StopReasons.Meaning(sdkName), Is.EqualTo(StopReasons.Meaning(wire)));

    [Test]
    public void Failing_on_a_complete_stream_is_not_handled_but_failing_at_a_recorded_error_is_fine()
    {
        var failed = Result(ClientOutcome.Failed, error: new ClientError("JsonException", "bad"));
        Assert.That(Judge.Judge(Control(failed)).Verdict, Is.EqualTo(Verdict.NotHandled));

        var crashed = Result(ClientOutcome.Crashed, text: "", stopReason: null, error: new ClientError("crash", "exited with code 1"));
        var atError = Judge.Judge(Control(crashed, Body(errorType: "overloaded_error")));
        Assert.That(atError.Verdict, Is.EqualTo(Verdict.Handled), atError.Evidence);
    }

    [Test]
    public void A_hang_on_the_control_is_not_handled_and_rests_on_time()
    {
        var finding = Judge.Judge(Control(Result(ClientOutcome.Hung, text: "", error: new ClientError("hung", "still running"))));

        Assert.That(finding.Verdict, Is.EqualTo(Verdict.NotHandled));
        Assert.That(finding.Timing, Is.True);
    }
}
