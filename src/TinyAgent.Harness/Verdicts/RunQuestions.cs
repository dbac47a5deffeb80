using System.Text;
using System.Text.Json;
using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Verdicts;

/// <summary>Questions several judges ask of a run, answered in one place so they agree.</summary>
internal static class RunQuestions
{
    /// <summary>What a correct client reads from the planned body (falls back to the recording when the plan has none).</summary>
    public static ExpectedResult Expected(RunObservation run) => run.Plan.Expected ?? run.RecordingExpected;

    /// <summary>The plan passes every byte of the recording on and only changes how it is cut.</summary>
    public static bool IsLossless(PlanFacts f) =>
        f.InjectedErrorType is null && !f.MaxTokensEnding && !f.Truncated && !f.Stalls &&
        f.HttpErrorStatus is null && !f.Garbage && f.BytesDropped == 0;

    public static bool ReadsAll(RunObservation run) => run.Consumer.GiveUpAfterDeltas is null;

    /// <summary>The request that carried the stream (the last attempt), if any reached the server.</summary>
    public static ServerEvidence? StreamRequest(RunObservation run) => run.Server.Count == 0 ? null : run.Server[^1];

    /// <summary>The client surfaced a failure: an error it reported, or a loud death (non-zero exit, no result). Either way its user knows.</summary>
    public static bool FailedLoudly(ClientResult r) => r.Outcome is ClientOutcome.Failed or ClientOutcome.Crashed;

    /// <summary>"surfaced overloaded_error: ..." or "failed loudly: exit code 1, no result file".</summary>
    public static string Failure(ClientResult r) => r.Outcome == ClientOutcome.Crashed
        ? $"failed loudly: {r.Error?.Message ?? "no result"}"
        : $"surfaced {r.Error?.Type ?? "an error"}: {Excerpt(r.Error?.Message ?? "", 0, 160)}";

    /// <summary>
    /// The control rule: when the client misreads this recording with no fault at all, no fault is charged with it.
    /// Null when there is no control or the control read the recording correctly.
    /// </summary>
    public static RunFinding? ControlMisreads(string bug, RunObservation run) =>
        run.Control is { Baseline: not Verdict.Handled } c
            ? RunFinding.NotExercised(bug, $"its control run {c.RunId} misreads this recording with no fault ({c.BaselineEvidence}); not charged to the fault")
            : null;

    /// <summary>"Completed, 120 chars, stop_reason end_turn, no error": what the client returned, for evidence.</summary>
    public static string Describe(ClientResult r)
    {
        var sb = new StringBuilder();
        sb.Append(r.Outcome.ToName())
            .Append(", ").Append(r.Text.Length).Append(" chars of text, stop_reason ")
            .Append(r.StopReason ?? "none")
            .Append(", ");
        sb.Append(r.Error is null ? "no error" : $"error {r.Error.Type}: {Excerpt(r.Error.Message, 0, 160)}");
        if (r.ExitCode is int code)
        {
            sb.Append(", exit code ").Append(code);
        }

        return sb.ToString();
    }

    /// <summary>Up to <paramref name="length"/> characters of <paramref name="s"/> from <paramref name="from"/>, escaped for one line.</summary>
    public static string Excerpt(string s, int from, int length = 24)
    {
        if (from >= s.Length)
        {
            return "(end)";
        }

        string part = s.Substring(from, Math.Min(length, s.Length - from));
        return JsonSerializer.Serialize(part) + (from + length < s.Length ? "..." : "");
    }

    /// <summary>The plan answers with an HTTP error instead of an event stream: no stream bug can show.</summary>
    public static bool AnsweredWithHttpError(RunObservation run) => !run.Plan.IsStream || run.Plan.Facts.HttpErrorStatus is not null;
}
