using TinyAgent.Harness.Model;
using TinyAgent.Harness.Replay;

namespace TinyAgent.Harness.Judges;

/// <summary>
/// silent-truncation: a stream that ends in an error event, is dropped before <c>message_stop</c>, or ends with
/// <c>max_tokens</c> must not come back as a normal-looking answer.
/// </summary>
internal sealed class SilentTruncationJudge : IJudge
{
    public string Bug => Bugs.SilentTruncation;

    public RunFinding Judge(RunObservation run)
    {
        if (!RunFacts.ReadsAll(run))
        {
            return RunFinding.NotExercised(Bug, "the consumer gives up before the end");
        }

        var facts = run.Plan.Facts;
        if (RunFacts.AnsweredWithHttpError(run))
        {
            return RunFinding.NotExercised(Bug, "the answer was an HTTP error, not a stream");
        }

        if (facts.Stalls)
        {
            return RunFinding.NotExercised(Bug, "the stream stalls (judged by stall)");
        }

        var expected = RunFacts.Expected(run);
        string? broken = facts.InjectedErrorType is string injected ? $"an injected error event ({injected})"
            : run.Plan.End == StreamEnd.Reset ? "a connection reset before message_stop"
            : run.Plan.End == StreamEnd.CleanClose || facts.Truncated ? "a clean close before message_stop"
            : expected.ErrorType is string recorded ? $"an error event in the recording ({recorded})"
            : !expected.HasMessageStop ? "a stream without message_stop"
            : null;
        var r = run.Result;
        string returned = RunFacts.Describe(r);

        if (broken is not null)
        {
            return r.Outcome == ClientOutcome.Failed && r.Error is not null
                ? new(Bug, Verdict.Handled, $"after {broken}: surfaced {r.Error.Type}: {RunFacts.Excerpt(r.Error.Message, 0, 160)}")
                : new(Bug, Verdict.NotHandled, $"after {broken}: returned {returned}");
        }

        if (facts.MaxTokensEnding || expected.StopReason == "max_tokens")
        {
            bool surfaced = r.Outcome is ClientOutcome.Completed or ClientOutcome.Failed &&
                (r.StopReason == "max_tokens" || r.Error?.Type == "max_tokens") && r.ReadsStopReason;

            // Failing loudly (say, a parse error under splits) is another judge's finding, not a silent cut.
            bool loud = r.Outcome == ClientOutcome.Failed && r.Error is not null;
            return surfaced || loud
                ? new(Bug, Verdict.Handled, $"after a max_tokens ending: {(surfaced ? "surfaced max_tokens" : "failed loudly")} ({returned})")
                : new(Bug, Verdict.NotHandled, $"after a max_tokens ending: returned {returned}");
        }

        return RunFinding.NotExercised(Bug, "the stream ends complete with message_stop");
    }
}
