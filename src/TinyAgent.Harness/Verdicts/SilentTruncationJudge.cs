using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Verdicts;

/// <summary>
/// silent-truncation: a stream that ends in an error event, is dropped before its end event, or ends for length
/// (<c>max_tokens</c>) must not come back as a normal-looking answer. Failing loudly (an error, a crash, a non-zero exit)
/// surfaces it. A recording's own error or length ending is judged on the control run, where it happens with no fault.
/// The evidence names the stop reason as the reference reader read it (<c>max_tokens</c>, <c>length</c>,
/// <c>max_output_tokens</c>) and no format's end event, since a judge does not know the format.
/// </summary>
internal sealed class SilentTruncationJudge : IJudge
{
    public string Bug => Bugs.SilentTruncation;

    public RunFinding Judge(RunObservation run)
    {
        if (!RunQuestions.ReadsAll(run))
        {
            return RunFinding.NotExercised(Bug, "the consumer gives up before the end");
        }

        var facts = run.Plan.Facts;
        if (RunQuestions.AnsweredWithHttpError(run))
        {
            return RunFinding.NotExercised(Bug, "the answer was an HTTP error, not a stream");
        }

        if (facts.Stalls)
        {
            return RunFinding.NotExercised(Bug, "the stream stalls (judged by stall)");
        }

        var expected = RunQuestions.Expected(run);
        string? injected = facts.InjectedErrorType is string type ? $"an injected error event ({type})"
            : run.Plan.End == StreamEnd.Reset ? "a connection reset before the stream's end"
            : run.Plan.End == StreamEnd.CleanClose || facts.Truncated ? "a clean close before the stream's end"
            : null;
        string? recorded = injected is not null ? null
            : expected.ErrorType is string e ? $"an error event in the recording ({e})"
            : !expected.HasMessageStop ? "a stream without its end event"
            : null;
        bool maxTokens = facts.MaxTokensEnding || (injected is null && recorded is null && StopReasons.IsLength(expected.StopReason));
        bool recordedMaxTokens = maxTokens && !facts.MaxTokensEnding;

        if ((recorded is not null || recordedMaxTokens) && !run.IsControl && run.Control is { } control)
        {
            return RunFinding.NotExercised(Bug, $"the recording itself ends this way; judged on its control run {control.RunId}");
        }

        if (!run.IsControl && RunQuestions.ControlMisreads(Bug, run) is { } misread)
        {
            return misread;
        }

        var r = run.Result;
        if ((injected ?? recorded) is string broken)
        {
            return RunQuestions.FailedLoudly(r) ? new(Bug, Verdict.Handled, $"after {broken}: {RunQuestions.Failure(r)}")
                : r.Outcome == ClientOutcome.Hung ? new(Bug, Verdict.NotHandled, $"after {broken}: hung ({r.Error?.Message})", Timing: true)
                : new(Bug, Verdict.NotHandled, $"after {broken}: returned {RunQuestions.Describe(r)}");
        }

        if (maxTokens)
        {
            string length = expected.StopReason ?? "max_tokens"; // as the format says it: max_tokens, length, max_output_tokens
            string ending = facts.ToolCut ? $"a {length} ending inside a tool call's input" : $"a {length} ending";
            if (r.Outcome == ClientOutcome.Hung)
            {
                return new(Bug, Verdict.NotHandled, $"after {ending}: hung ({r.Error?.Message})", Timing: true);
            }

            if (StopReasons.IsLength(r.StopReason) || StopReasons.IsLength(r.Error?.Type))
            {
                return new(Bug, Verdict.Handled, $"after {ending}: surfaced {r.StopReason ?? r.Error?.Type} ({RunQuestions.Describe(r)})");
            }

            if (RunQuestions.FailedLoudly(r))
            {
                return new(Bug, Verdict.Handled, $"after {ending}: {RunQuestions.Failure(r)}");
            }

            bool neverReports = r.StopReason is null && (run.Control is null || run.Control.Result.StopReason is null);
            return new(Bug, Verdict.NotHandled, neverReports
                ? $"after {ending}: returned {RunQuestions.Describe(r)}; it reports no stop_reason at all{(run.Control is { } c ? $" (nor in its control run {c.RunId})" : "")}, so {length} cannot reach its user"
                : $"after {ending}: returned {RunQuestions.Describe(r)}");
        }

        return RunFinding.NotExercised(Bug, "the stream ends complete");
    }
}
