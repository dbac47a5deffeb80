using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Verdicts;

/// <summary>
/// ghost-stream: when the consumer gives up after N text deltas while the stream has more to send, the server
/// must see the connection closed within <see cref="RunTimeouts.GhostBound"/> of the give-up.
/// </summary>
internal sealed class GhostStreamJudge : IJudge
{
    public string Bug => Bugs.GhostStream;

    public RunFinding Judge(RunObservation run)
    {
        if (run.Consumer.GiveUpAfterDeltas is not int n)
        {
            return RunFinding.NotExercised(Bug, "the consumer reads everything");
        }

        if (RunQuestions.AnsweredWithHttpError(run))
        {
            return RunFinding.NotExercised(Bug, "the answer was an HTTP error, not a stream");
        }

        if (RunQuestions.StreamRequest(run) is not ServerEvidence server)
        {
            return RunFinding.NotExercised(Bug, "no request reached the server");
        }

        if (RunQuestions.ControlMisreads(Bug, run) is { } misread)
        {
            return misread;
        }

        var deltas = run.Plan.TextDeltas;
        int end = n <= deltas.Count ? deltas[n - 1].End : int.MaxValue;
        if (end == int.MaxValue || (end >= run.Plan.BodyLength && !run.Plan.Facts.Stalls))
        {
            return RunFinding.NotExercised(Bug, $"the stream has nothing left to send after text delta {n}");
        }

        // A client that ended without giving up and without even the first N deltas' text never had the chance
        // to leave (say, its parser failed on CRLF): that is another bug's finding, not a ghost.
        if (run.Result.Outcome is ClientOutcome.Completed or ClientOutcome.Failed &&
            run.Result.Text.Length < deltas[n - 1].TextLength)
        {
            return RunFinding.NotExercised(Bug, $"the client ended ({Outcome(run)}) before receiving {n} text deltas, so it never gave up");
        }

        TimeSpan? giveUp = GiveUpMoment(run, server, end);
        if (giveUp is not TimeSpan g)
        {
            return run.Result.Outcome is ClientOutcome.Hung or ClientOutcome.Crashed
                ? new(Bug, Verdict.NotHandled, $"the client {Outcome(run)} before giving up", Timing: true)
                : RunFinding.NotExercised(Bug, $"text delta {n} never reached the client");
        }

        long bytesAfter = server.BytesSentAfter(g);
        int eventsAfter = server.EventsSentAfter(g);
        string sent = $"{bytesAfter} bytes and {eventsAfter} events sent after the give-up";
        if (server.ClientDisconnectedAt is not TimeSpan closed)
        {
            if (server.EndedAt is TimeSpan ended && ended - g <= run.Timeouts.GhostBound &&
                run.Result.Outcome is not (ClientOutcome.Hung or ClientOutcome.Crashed))
            {
                return RunFinding.NotExercised(Bug, $"the stream ended on its own {ClockAlignment.Ms(ended - g)} after the give-up, within the bound");
            }

            return new(Bug, Verdict.NotHandled, $"after giving up at {n} deltas: disconnect never seen, the stream ran to its end ({server.Ending.ToName()}); {sent}", Timing: true);
        }

        var late = closed - g;
        string measured = $"after giving up at {n} deltas: server saw the disconnect {ClockAlignment.Ms(late < TimeSpan.Zero ? TimeSpan.Zero : late)} later (bound {ClockAlignment.Ms(run.Timeouts.GhostBound)}); {sent}";
        if (run.Result.Outcome is ClientOutcome.Hung or ClientOutcome.Crashed)
        {
            return new(Bug, Verdict.NotHandled, $"the client {Outcome(run)}; {measured}", Timing: true);
        }

        return late <= run.Timeouts.GhostBound
            ? new(Bug, Verdict.Handled, measured)
            : new(Bug, Verdict.NotHandled, measured, Timing: true);
    }

    /// <summary>
    /// On the server's clock: the client's own GaveUpAt when it reports one, else when the server sent the byte
    /// that completed the N-th text delta (exec clients cannot report the moment).
    /// </summary>
    internal static TimeSpan? GiveUpMoment(RunObservation run, ServerEvidence server, int deltaEnd)
    {
        if (run.Result.GaveUpAt is TimeSpan clientMoment)
        {
            return ClockAlignment.ClientToServer(run, server, clientMoment);
        }

        return server.WrittenAt(deltaEnd);
    }

    private static string Outcome(RunObservation run) =>
        run.Result.Outcome == ClientOutcome.Hung ? $"hung ({run.Result.Error?.Message})" : $"crashed ({run.Result.Error?.Message ?? "no result"})";
}
