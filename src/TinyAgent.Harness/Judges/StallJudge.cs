using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Judges;

/// <summary>
/// stall: when the stream stops sending content and keeps the connection open, the client must end with an error
/// within <see cref="RunTimeouts.Idle"/> plus <see cref="RunTimeouts.StallTolerance"/> of the last content byte.
/// </summary>
internal sealed class StallJudge : IJudge
{
    public string Bug => Bugs.Stall;

    public RunFinding Judge(RunObservation run)
    {
        if (!run.Plan.Facts.Stalls)
        {
            return RunFinding.NotExercised(Bug, "the stream does not stall");
        }

        if (RunFacts.ControlMisreads(Bug, run) is { } misread)
        {
            return misread;
        }

        var r = run.Result;
        if (r.Outcome == ClientOutcome.GaveUp)
        {
            return RunFinding.NotExercised(Bug, "the consumer gave up before the stall");
        }

        var limit = run.Timeouts.Idle + run.Timeouts.StallTolerance;
        string limits = $"idle timeout {RunClock.Ms(run.Timeouts.Idle)} + tolerance {RunClock.Ms(run.Timeouts.StallTolerance)}";
        switch (r.Outcome)
        {
            case ClientOutcome.Hung:
                return new(Bug, Verdict.NotHandled, $"hung: {r.Error?.Message}; {limits}", Timing: true);
            case ClientOutcome.Completed:
                return new(Bug, Verdict.NotHandled, $"returned a normal answer from a stalled stream: {RunFacts.Describe(r)}");
            default:
                break;
        }

        if (r.Error is null)
        {
            return new(Bug, Verdict.NotHandled, $"ended without an error: {RunFacts.Describe(r)}");
        }

        var server = RunFacts.StreamRequest(run);
        if (server is null || r.EndedAt is not TimeSpan clientEnd)
        {
            return new(Bug, Verdict.Handled, $"ended with {r.Error.Type} (timing unknown); {limits}");
        }

        var lastContent = LastContentAt(run, server);
        var toError = RunClock.ClientToServer(run, server, clientEnd) - lastContent;
        string ended = r.Outcome == ClientOutcome.Crashed ? $"failed loudly ({r.Error.Message})" : $"error {r.Error.Type}";
        string measured = $"{ended} {RunClock.Ms(toError)} after the last content byte; {limits}";
        return toError <= limit
            ? new(Bug, Verdict.Handled, measured)
            : new(Bug, Verdict.NotHandled, measured, Timing: true);
    }

    /// <summary>When the server wrote the last byte of the planned body (keepalive writes past the body do not count).</summary>
    internal static TimeSpan LastContentAt(RunObservation run, ServerEvidence server)
    {
        int bodyLength = run.Plan.BodyLength;
        var content = server.Sent.Where(c => c.Offset < bodyLength && c.Offset + c.Size <= bodyLength).ToList();
        return content.Count == 0 ? TimeSpan.Zero : content.Max(c => c.At);
    }
}
