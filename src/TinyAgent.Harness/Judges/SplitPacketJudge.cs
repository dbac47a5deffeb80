using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Judges;

/// <summary>
/// split-packet: under cuts inside frames that really reached the client as reads of their own, on an otherwise
/// lossless stream read to its end, the client gives its control answer: same text (per block when it exposes
/// blocks), tool inputs and stop_reason, and an error exactly when its control had one. With no control run (the
/// library's <c>JudgeAsync</c>), the reference reader's answer stands in.
/// </summary>
internal sealed class SplitPacketJudge : IJudge
{
    public string Bug => Bugs.SplitPacket;

    public RunFinding Judge(RunObservation run)
    {
        var facts = run.Plan.Facts;
        if (facts.CutsInsideFrames == 0)
        {
            return RunFinding.NotExercised(Bug, "no cut inside a frame");
        }

        if (!RunFacts.IsLossless(facts) || run.Plan.End != StreamEnd.Complete)
        {
            return RunFinding.NotExercised(Bug, "the plan also loses or changes content, so a correct answer is not defined by the recording");
        }

        if (!RunFacts.ReadsAll(run))
        {
            return RunFinding.NotExercised(Bug, "the consumer gives up before the end");
        }

        if (RunFacts.ControlMisreads(Bug, run) is { } misread)
        {
            return misread;
        }

        var r = run.Result;
        string cuts;

        // Cuts are made on the server; the network merges them again unless they are gapped. Where the client's reads
        // are known, at least one must have ended inside a frame; where they are not, only gapped cuts count.
        if (ReadEndsInsideFrames(run) is int seen)
        {
            if (seen == 0 && r.Outcome != ClientOutcome.Hung)
            {
                return RunFinding.NotExercised(Bug, $"{facts.CutsInsideFrames} cut(s) planned, but every read the client made ended on a frame boundary");
            }

            cuts = $"{seen} read(s) ended inside a frame";
        }
        else
        {
            int gapped = run.Plan.GappedCutsInsideFrames;
            if (gapped == 0)
            {
                return RunFinding.NotExercised(Bug, $"{facts.CutsInsideFrames} cut(s) planned but none gapped: the client's reads are not visible and ungapped cuts merge in its socket buffer");
            }

            cuts = $"{gapped} gapped cut(s) inside frames";
        }

        switch (r.Outcome)
        {
            case ClientOutcome.Hung:
                return new(Bug, Verdict.NotHandled, $"{cuts}: the client hung: {r.Error?.Message}", Timing: true);
            case ClientOutcome.GaveUp:
                return new(Bug, Verdict.NotHandled, $"{cuts}: the client gave up although its consumer reads everything");
            default:
                break;
        }

        return run.Control is { } control ? AgainstControl(cuts, control, r) : AgainstReference(cuts, RunFacts.Expected(run), r);
    }

    private RunFinding AgainstControl(string cuts, ControlRun control, ClientResult r)
    {
        var c = control.Result;
        bool controlFailed = RunFacts.FailedLoudly(c);
        if (RunFacts.FailedLoudly(r) != controlFailed)
        {
            return new(Bug, Verdict.NotHandled, controlFailed
                ? $"{cuts}: returned {RunFacts.Describe(r)}, while its control run {control.RunId} surfaced the recording's error"
                : $"{cuts}: {RunFacts.Failure(r)}; its control run {control.RunId} completed");
        }

        string? difference = AnswerComparison.AgainstControl(c, r);
        return difference is null
            ? new(Bug, Verdict.Handled, $"{cuts}: the same answer as its control run {control.RunId} ({c.Text.Length} chars, stop_reason {c.StopReason ?? "not reported"}{(controlFailed ? ", an error" : "")})")
            : new(Bug, Verdict.NotHandled, $"{cuts}: {difference} (control run {control.RunId})");
    }

    private RunFinding AgainstReference(string cuts, ExpectedResult expected, ClientResult r)
    {
        // A recording that itself ends in an error (or without message_stop) must end in an error: any error will do.
        if (RunFacts.FailedLoudly(r) && expected.IsComplete)
        {
            return new(Bug, Verdict.NotHandled, $"{cuts}: {RunFacts.Failure(r)}");
        }

        string? difference = AnswerComparison.AgainstReference(expected, r);
        return difference is null
            ? new(Bug, Verdict.Handled, $"{cuts}: text ({expected.Text.Length} chars), tool inputs and stop_reason as the reference reader reads them")
            : new(Bug, Verdict.NotHandled, $"{cuts}: {difference}");
    }

    /// <summary>How many of the client's reads ended inside a frame; null when the reads are unknown (exec) or span several requests.</summary>
    internal static int? ReadEndsInsideFrames(RunObservation run)
    {
        if (run.Result.Reads is not { Count: > 0 } reads || run.Server.Count != 1)
        {
            return null;
        }

        var frameEnds = run.Plan.FrameEnds.ToHashSet();
        long offset = 0;
        int inside = 0;
        foreach (var read in reads)
        {
            offset += read.Size;
            if (offset < run.Plan.BodyLength && !frameEnds.Contains((int)offset))
            {
                inside++;
            }
        }

        return inside;
    }
}
