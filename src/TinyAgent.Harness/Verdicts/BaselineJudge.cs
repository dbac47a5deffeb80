using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Verdicts;

/// <summary>
/// baseline: on the control run (the recording with no fault, paced frame by frame) the client reads what the reference
/// reader reads: text per block, tool inputs, stop_reason by meaning when it reports one, and no error on a complete
/// stream. Whether it surfaces a recording's own error is silent-truncation's finding on the same run, so one mistake is
/// charged once.
/// </summary>
internal sealed class BaselineJudge : IJudge
{
    public string Bug => Bugs.Baseline;

    public RunFinding Judge(RunObservation run)
    {
        if (!run.IsControl)
        {
            return RunFinding.NotExercised(Bug, "judged on the control run only");
        }

        if (RunQuestions.AnsweredWithHttpError(run) || !RunQuestions.ReadsAll(run))
        {
            return RunFinding.NotExercised(Bug, "the control is not a stream read to its end");
        }

        var r = run.Result;
        var expected = RunQuestions.Expected(run);
        switch (r.Outcome)
        {
            case ClientOutcome.Hung:
                return new(Bug, Verdict.NotHandled, $"hung on the unfaulted stream: {r.Error?.Message}", Timing: true);
            case ClientOutcome.GaveUp:
                return new(Bug, Verdict.NotHandled, "gave up although its consumer reads everything");
            default:
                break;
        }

        if (expected.IsComplete && RunQuestions.FailedLoudly(r))
        {
            // Possibly its own timeout on a loaded machine: confirmed alone before it decides anything.
            return new(Bug, Verdict.NotHandled, $"failed on the unfaulted, complete stream: {RunQuestions.Describe(r)}", Timing: true);
        }

        if (!expected.IsComplete && RunQuestions.FailedLoudly(r) && r.Outcome == ClientOutcome.Crashed)
        {
            return new(Bug, Verdict.Handled, $"the recording ends in {expected.ErrorType ?? "a cut"}; the client {RunQuestions.Failure(r)}");
        }

        string? difference = AnswerComparison.AgainstReference(expected, r);
        return difference is null
            ? new(Bug, Verdict.Handled, $"read as the reference reader does: text ({expected.Text.Length} chars), tool inputs, stop_reason {r.StopReason ?? "not reported"}")
            : new(Bug, Verdict.NotHandled, $"on the unfaulted stream: {difference}");
    }
}
