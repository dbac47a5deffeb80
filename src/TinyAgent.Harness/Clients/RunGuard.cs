using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Clients;

/// <summary>
/// Runs a client under the scenario deadline and always comes back. At the deadline the client's token fires;
/// a client that returns within <see cref="DefaultGrace"/> after that is reported hung with what it had, one that
/// ignores the token is abandoned (never awaited again) and reported hung, so the suite goes on.
/// </summary>
internal static class RunGuard
{
    public static TimeSpan DefaultGrace { get; } = TimeSpan.FromSeconds(1);

    /// <param name="stop">The suite's own stop (Ctrl+C): treated like the deadline.</param>
    /// <param name="grace">How long to wait after the deadline for the client to honour cancellation.</param>
    public static async Task<ClientResult> RunAsync(IClientUnderTest client, ClientRunContext context, CancellationToken stop = default, TimeSpan? grace = null)
    {
        var time = context.Time;
        long started = time.GetTimestamp();
        using var deadline = new CancellationTokenSource(context.Timeouts.Deadline, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, stop);
        var expired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var registration = linked.Token.Register(() => expired.TrySetResult());

        // Task.Run: a client that blocks synchronously must not block the guard.
        var run = Task.Run(() => client.RunAsync(context, linked.Token), CancellationToken.None);
        if (await Task.WhenAny(run, expired.Task) == run && !linked.IsCancellationRequested)
        {
            return Finish(run, started, time);
        }

        string why = stop.IsCancellationRequested && !deadline.IsCancellationRequested
            ? "the run was stopped"
            : $"still running at the deadline ({context.Timeouts.Deadline.TotalMilliseconds:0} ms)";
        var graceTimer = Task.Delay(grace ?? DefaultGrace, time, CancellationToken.None);
        if (await Task.WhenAny(run, graceTimer) == run)
        {
            var partial = Finish(run, started, time);
            return partial.Outcome == ClientOutcome.Hung
                ? partial
                : partial with { Outcome = ClientOutcome.Hung, Error = new ClientError("hung", why) };
        }

        // Abandoned: observe its eventual failure so it never surfaces as an unobserved task exception.
        _ = run.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        return new ClientResult
        {
            Outcome = ClientOutcome.Hung,
            Error = new ClientError("hung", $"{why}; ignored cancellation and was abandoned"),
            StartedTimestamp = started,
            EndedAt = time.GetElapsedTime(started),
        };
    }

    private static ClientResult Finish(Task<ClientResult> run, long started, TimeProvider time)
    {
        if (run.IsCompletedSuccessfully)
        {
            var result = run.Result;
            return result.StartedTimestamp == 0 ? result with { StartedTimestamp = started } : result;
        }

        // An in-process client that throws has surfaced an error.
        var ex = run.Exception?.InnerException ?? (Exception?)run.Exception ?? new OperationCanceledException();
        return new ClientResult
        {
            Outcome = ClientOutcome.Failed,
            Error = new ClientError(ex.GetType().Name, ex.Message),
            StartedTimestamp = started,
            EndedAt = time.GetElapsedTime(started),
        };
    }
}
