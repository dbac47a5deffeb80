using TinyAgent.Harness.Model;
using TinyAgent.Harness.Reports;
using TinyAgent.Harness.Verdicts;
using static TinyAgent.Harness.Tests.Judges.Observations;

namespace TinyAgent.Harness.Tests.Judges;

/// <summary>Every fault judge is relative to the same client's control run: a fault is charged only with what it changed.</summary>
internal sealed class ControlRuleTests
{
    private static readonly PlanFacts Cut = new() { CutsInsideFrames = 3 };

    private static ControlRun ReadsWell(ClientResult? result = null) => new("c/baseline/rec", result ?? Result(), Verdict.Handled, "read as the reference reader does");

    private static ControlRun Misreads() => new("c/baseline/rec", Result(ClientOutcome.Failed, text: "", error: new ClientError("incomplete_stream", "no events")), Verdict.NotHandled, "failed on the unfaulted, complete stream");

    [Test]
    public void No_fault_judge_charges_a_failure_the_control_shows_too()
    {
        var failed = Result(ClientOutcome.Failed, text: "", error: new ClientError("incomplete_stream", "no events"));
        IJudge[] judges = [new SplitPacketJudge(), new SilentTruncationJudge(), new StallJudge()];
        var observations = new[]
        {
            Make(failed, Cut, control: Misreads()),
            Make(Result(), new PlanFacts { InjectedErrorType = "overloaded_error" }, control: Misreads()),
            Make(failed, new PlanFacts { Stalls = true, Truncated = true }, control: Misreads()),
        };

        for (int i = 0; i < judges.Length; i++)
        {
            var finding = judges[i].Judge(observations[i]);
            Assert.That(finding.Verdict, Is.EqualTo(Verdict.NotExercised), judges[i].Bug);
            Assert.That(finding.Evidence, Does.Contain("its control run c/baseline/rec misreads this recording"), judges[i].Bug);
        }
    }

    [Test]
    public void Under_cuts_the_client_is_held_to_its_own_control_answer_not_to_a_spelling()
    {
        var sdkLike = Result(stopReason: "content-filter", error: null) with { Text = FullText };
        var judge = new SplitPacketJudge();

        Assert.That(judge.Judge(Make(sdkLike, Cut, control: ReadsWell(sdkLike))).Verdict, Is.EqualTo(Verdict.Handled));
        var garbled = judge.Judge(Make(sdkLike with { Text = "Hel" }, Cut, control: ReadsWell(sdkLike)));
        Assert.That(garbled.Verdict, Is.EqualTo(Verdict.NotHandled));
        Assert.That(garbled.Evidence, Does.Contain("control run c/baseline/rec"));
    }

    [Test]
    public void Errors_compare_by_kind_so_an_exception_class_name_is_as_good_as_the_api_type()
    {
        var body = Body(errorType: "overloaded_error");
        var control = ReadsWell(Result(ClientOutcome.Failed, stopReason: null, error: new ClientError("APIError", "Overloaded")));
        var underCuts = Result(ClientOutcome.Failed, stopReason: null, error: new ClientError("APIError", "Overloaded"));

        var finding = new SplitPacketJudge().Judge(Make(underCuts, Cut, body, control: control));
        Assert.That(finding.Verdict, Is.EqualTo(Verdict.Handled), finding.Evidence);
    }

    [Test]
    public void Only_gapped_cuts_exercise_a_client_whose_reads_are_unseen()
    {
        var run = Make(Result(), Cut);
        var ungapped = run with { Plan = run.Plan with { GappedCutsInsideFrames = 0 } };

        var finding = new SplitPacketJudge().Judge(ungapped);
        Assert.That(finding.Verdict, Is.EqualTo(Verdict.NotExercised));
        Assert.That(finding.Evidence, Does.Contain("none gapped"));
        Assert.That(new SplitPacketJudge().Judge(run).Evidence, Does.Contain("3 gapped cut(s) inside frames"));
    }

    [TestCase(ClientOutcome.Crashed, "failed loudly")]
    [TestCase(ClientOutcome.Failed, "surfaced")]
    public void Failing_loudly_after_a_reset_is_handled(ClientOutcome outcome, string evidence)
    {
        var loud = Result(outcome, text: "", stopReason: null, error: new ClientError("crash", "exited with code 1 without writing HARNESS_RESULT_FILE"));
        var finding = new SilentTruncationJudge().Judge(Make(loud, new PlanFacts { Truncated = true }, end: StreamEnd.Reset, control: ReadsWell()));

        Assert.That(finding.Verdict, Is.EqualTo(Verdict.Handled));
        Assert.That(finding.Evidence, Does.Contain(evidence));
    }

    [Test]
    public void A_recordings_own_error_is_judged_on_its_control_run_not_again_under_each_fault()
    {
        var silent = Result(stopReason: null) with { Text = FullText };
        var body = Body(errorType: "overloaded_error");
        var judge = new SilentTruncationJudge();

        Assert.That(judge.Judge(Make(silent, body: body) with { IsControl = true }).Verdict, Is.EqualTo(Verdict.NotHandled));
        var underCuts = judge.Judge(Make(silent, Cut, body, control: ReadsWell(silent)));
        Assert.That(underCuts.Verdict, Is.EqualTo(Verdict.NotExercised));
        Assert.That(underCuts.Evidence, Does.Contain("judged on its control run"));
    }

    [Test]
    public void A_timing_failure_that_does_not_happen_again_alone_is_judged_by_the_run_alone_and_counted()
    {
        static RunReport Run(string id, FindingReport finding) => new()
        {
            Id = id,
            Client = "c",
            Recording = "rec",
            Scenario = "stall",
            Faults = [],
            Consumer = "read-all",
            Seed = 1,
            Outcome = ClientOutcome.Failed,
            Timings = new RunTimings(null, null, null),
            Findings = new Dictionary<string, FindingReport> { [Bugs.Stall] = finding },
            Chunks = new RunChunks([], [], null),
        };

        var report = Reports.ReportBuilder.Aggregate(Bugs.Stall,
        [
            Run("a", new FindingReport(Verdict.Handled, "error 1010 ms after the last content byte")),
            Run("b", new FindingReport(Verdict.Handled, "not reproduced alone (1 of 2 attempts failed): ...", NotReproduced: true)),
        ]);

        Assert.That(report.Verdict, Is.EqualTo(Verdict.Handled), "load never flips a verdict");
        Assert.That(report.NotReproduced, Is.EqualTo(1), "but the report says so");
    }

    [Test]
    public void AnswerComparison_compares_blocks_tool_json_and_stop_reason_with_the_control()
    {
        var control = Result() with
        {
            BlockTexts = new Dictionary<int, string> { [0] = FullText },
            ToolInputs = new Dictionary<int, string> { [1] = """{"city": "Paris", "n": 1}""" },
        };
        var reordered = control with { ToolInputs = new Dictionary<int, string> { [1] = """{ "n": 1, "city": "Paris" }""" } };

        Assert.That(AnswerComparison.AgainstControl(control, reordered), Is.Null);
        Assert.That(AnswerComparison.AgainstControl(control, control with { BlockTexts = new Dictionary<int, string> { [0] = "Hello" } }), Does.StartWith("text of block 0 differs at char 5"));
        Assert.That(AnswerComparison.AgainstControl(control, control with { StopReason = "max_tokens" }), Is.EqualTo("stop_reason max_tokens, its control reported end_turn"));
    }
}
