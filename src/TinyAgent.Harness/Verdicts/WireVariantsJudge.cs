using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Verdicts;

/// <summary>
/// wire-variants: lossless variations that real endpoints and gateways produce (unknown event, delta and block types;
/// a UTF-8 BOM; CR-only or mixed line endings; <c>data: [DONE]</c> after <c>message_stop</c>; comments; padded
/// <c>data:</c> lines) must give the client's control answer, with no error.
/// </summary>
internal sealed class WireVariantsJudge : IJudge
{
    public string Bug => Bugs.WireVariants;

    public RunFinding Judge(RunObservation run)
    {
        var facts = run.Plan.Facts;
        if (facts.WireVariants.Count == 0)
        {
            return RunFinding.NotExercised(Bug, "no wire variation");
        }

        if (!RunQuestions.IsLossless(facts) || run.Plan.End != StreamEnd.Complete || !RunQuestions.ReadsAll(run) || RunQuestions.AnsweredWithHttpError(run))
        {
            return RunFinding.NotExercised(Bug, "the plan also loses or changes content, or the consumer gives up");
        }

        if (facts.CutsInsideFrames > 0)
        {
            return RunFinding.NotExercised(Bug, "the plan also cuts inside frames (judged by split-packet)");
        }

        return RunQuestions.ControlMisreads(Bug, run)
            ?? AnswerComparison.SameAnswer(Bug, string.Join(", ", facts.WireVariants), run);
    }
}
