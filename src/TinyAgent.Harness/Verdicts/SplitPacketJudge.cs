using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Verdicts;

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

        if (!RunQuestions.IsLossless(facts) || run.Plan.End != StreamEnd.Complete)
        {
            return RunFinding.NotExercised(Bug, "the plan also loses or changes content, so a correct answer is not defined by the recording");
        }

        if (!RunQuestions.ReadsAll(run))
        {
            return RunFinding.NotExercised(Bug, "the consumer gives up before the end");
        }

        if (RunQuestions.ControlMisreads(Bug, run) is { } misread)
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

        return AnswerComparison.SameAnswer(Bug, cuts, run);
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
