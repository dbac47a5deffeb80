using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Verdicts;

/// <summary>
/// stall, judged from both sides. A silent stall must end in an error within <see cref="RunTimeouts.Idle"/> plus
/// <see cref="RunTimeouts.StallTolerance"/> of the last content byte. A stall of keepalives only must still end, by a
/// total deadline or a content-progress timeout, before the run is overdue. A live stream must not be killed: through
/// a pause carried by keepalives the client keeps reading and gives its control answer; after the stream's end event it
/// returns without waiting for the connection to close.
/// </summary>
internal sealed class StallJudge : IJudge
{
    public string Bug => Bugs.Stall;

    public RunFinding Judge(RunObservation run)
    {
        var facts = run.Plan.Facts;
        if (!facts.Stalls && facts.Pause is null && facts.SlowClose is null)
        {
            return RunFinding.NotExercised(Bug, "the stream does not stall, pause or stay open");
        }

        if (RunQuestions.ControlMisreads(Bug, run) is { } misread)
        {
            return misread;
        }

        var r = run.Result;
        if (r.Outcome == ClientOutcome.GaveUp)
        {
            return RunFinding.NotExercised(Bug, "the consumer gave up first");
        }

        return facts.Pause is TimeSpan pause ? Pause(run, pause)
            : facts.SlowClose is TimeSpan hold ? SlowClose(run, hold)
            : run.Plan.StallKeepalive ? KeepaliveStall(run)
            : SilentStall(run);
    }

    private RunFinding SilentStall(RunObservation run)
    {
        var r = run.Result;
        var limit = run.Timeouts.Idle + run.Timeouts.StallTolerance;
        string limits = $"idle timeout {ClockAlignment.Ms(run.Timeouts.Idle)} + tolerance {ClockAlignment.Ms(run.Timeouts.StallTolerance)}";
        switch (r.Outcome)
        {
            case ClientOutcome.Hung:
                return new(Bug, Verdict.NotHandled, $"hung: {r.Error?.Message}; {limits}", Timing: true);
            case ClientOutcome.Completed:
                return new(Bug, Verdict.NotHandled, $"returned a normal answer from a stalled stream: {RunQuestions.Describe(r)}");
            default:
                break;
        }

        if (r.Error is null)
        {
            return new(Bug, Verdict.NotHandled, $"ended without an error: {RunQuestions.Describe(r)}");
        }

        var server = RunQuestions.StreamRequest(run);
        if (server is null || r.EndedAt is not TimeSpan clientEnd)
        {
            return new(Bug, Verdict.Handled, $"ended with {r.Error.Type} (timing unknown); {limits}");
        }

        var toError = ClockAlignment.ClientToServer(run, server, clientEnd) - LastContentAt(run, server);
        string ended = r.Outcome == ClientOutcome.Crashed ? $"failed loudly ({r.Error.Message})" : $"error {r.Error.Type}";
        string measured = $"{ended} {ClockAlignment.Ms(toError)} after the last content byte; {limits}";
        return toError <= limit
            ? new(Bug, Verdict.Handled, measured)
            : new(Bug, Verdict.NotHandled, measured, Timing: true);
    }

    private RunFinding KeepaliveStall(RunObservation run)
    {
        var r = run.Result;
        return r.Outcome switch
        {
            ClientOutcome.Hung => new(Bug, Verdict.NotHandled, $"kept waiting while only keepalives arrived (it needs a total deadline or a content-progress timeout): {r.Error?.Message}", Timing: true),
            ClientOutcome.Completed => new(Bug, Verdict.NotHandled, $"returned a normal answer from a stream that stalled with keepalives: {RunQuestions.Describe(r)}"),
            _ => new(Bug, Verdict.Handled, $"a stall of keepalives only ended before the run was overdue: {RunQuestions.Failure(r)}{Since(run)}"),
        };
    }

    private RunFinding Pause(RunObservation run, TimeSpan pause)
    {
        var r = run.Result;
        string what = $"through a {ClockAlignment.Ms(pause)} pause in content carried by keepalives";
        if (RunQuestions.FailedLoudly(r) && !(run.Control is { } c && RunQuestions.FailedLoudly(c.Result)))
        {
            // Under load a correct client's total deadline could fire too: confirmed alone before it is reported.
            return new(Bug, Verdict.NotHandled, $"killed a live stream: timed out while keepalives were arriving ({what}): {RunQuestions.Failure(r)}{Since(run)}", Timing: true);
        }

        return AnswerComparison.SameAnswer(Bug, what, run);
    }

    private RunFinding SlowClose(RunObservation run, TimeSpan hold)
    {
        var r = run.Result;
        string what = "after the stream's end the connection stayed open";
        if (r.Outcome == ClientOutcome.Hung)
        {
            return new(Bug, Verdict.NotHandled, $"{what}, and the client waited for it to close instead of ending at the stream's end: {r.Error?.Message}", Timing: true);
        }

        if (RunQuestions.StreamRequest(run) is { } server && r.EndedAt is TimeSpan clientEnd && server.ClientDisconnectedAt is null &&
            server.EndedAt is TimeSpan closed && ClockAlignment.ClientToServer(run, server, clientEnd) >= closed)
        {
            return new(Bug, Verdict.NotHandled, $"{what} for {ClockAlignment.Ms(hold)}: the client returned only once the server closed it, {ClockAlignment.Ms(closed - LastContentAt(run, server))} after the stream's end", Timing: true);
        }

        return AnswerComparison.SameAnswer(Bug, what, run);
    }

    /// <summary>", 1234 ms after the last content byte", when the timing is known.</summary>
    private static string Since(RunObservation run) =>
        RunQuestions.StreamRequest(run) is { } server && run.Result.EndedAt is TimeSpan end
            ? $", {ClockAlignment.Ms(ClockAlignment.ClientToServer(run, server, end) - LastContentAt(run, server))} after the last content byte"
            : "";

    /// <summary>When the server wrote the last byte of the planned body (keepalive writes past the body do not count).</summary>
    internal static TimeSpan LastContentAt(RunObservation run, ServerEvidence server)
    {
        int bodyLength = run.Plan.BodyLength;
        var content = server.Sent.Where(c => c.Offset < bodyLength && c.Offset + c.Size <= bodyLength).ToList();
        return content.Count == 0 ? TimeSpan.Zero : content.Max(c => c.At);
    }
}
