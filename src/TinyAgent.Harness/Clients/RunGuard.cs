using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Clients;

/// <summary>
/// Runs a client until it returns or the run is overdue, and always comes back. When overdue the client's token fires;
/// a client that returns within the grace after that is reported hung with what it had, one that ignores the token is
/// abandoned (never awaited again) and reported hung, so the suite goes on.
/// </summary>
internal static class RunGuard
{
    public static TimeSpan DefaultGrace { get; } = TimeSpan.FromSeconds(1);

    /// <param name="stop">The suite's own stop (Ctrl+C): treated like the deadline.</param>
    /// <param name="grace">How long to wait after the deadline for the client to honour cancellation.</param>
    /// <param name="overdue">
    /// Completes, with the reason, when the run is overdue. Default: <see cref="RunTimeouts.Deadline"/> after the start.
    /// The suite's waits for the server to fall quiet first, so a client is never called hung while it is still receiving.
    /// </param>
    public static async Task<ClientResult> RunAsync(
        IClientUnderTest client,
        ClientRunContext context,
        CancellationToken stop = default,
        TimeSpan? grace = null,
        Func<CancellationToken, Task<string>>? overdue = null)
    {
        var time = context.Time;
        long started = time.GetTimestamp();
        using var deadline = new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(deadline.Token, stop);
        using var watching = new CancellationTokenSource();
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var registration = stop.Register(() => stopped.TrySetResult());
        var overdueTask = (overdue ?? (ct => AtDeadlineAsync(context, ct)))(watching.Token);

        // Task.Run: a client that blocks synchronously must not block the guard.
        var run = Task.Run(() => client.RunAsync(context, linked.Token), CancellationToken.None);
        try
        {
            var first = await Task.WhenAny(run, overdueTask, stopped.Task).ConfigureAwait(false);
            if (first == run && !stop.IsCancellationRequested)
            {
                return Finish(run, started, time);
            }

            string why = stop.IsCancellationRequested ? "the run was stopped"
                : overdueTask.IsCompletedSuccessfully ? overdueTask.Result
                : "still running when its deadline could not be watched";
            await deadline.CancelAsync().ConfigureAwait(false);
            var graceTimer = Task.Delay(grace ?? DefaultGrace, time, CancellationToken.None);
            if (await Task.WhenAny(run, graceTimer).ConfigureAwait(false) == run)
            {
                var partial = Finish(run, started, time);
                return partial with
                {
                    Outcome = ClientOutcome.Hung,
                    Error = new ClientError("hung", partial.Outcome == ClientOutcome.Hung && partial.Error is { } e ? $"{why}; {e.Message}" : why),
                };
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
        finally
        {
            await watching.CancelAsync().ConfigureAwait(false);
            _ = overdueTask.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }
    }

    private static async Task<string> AtDeadlineAsync(ClientRunContext context, CancellationToken ct)
    {
        await Task.Delay(context.Timeouts.Deadline, context.Time, ct).ConfigureAwait(false);
        return $"still running at the deadline ({context.Timeouts.Deadline.TotalMilliseconds:0} ms)";
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
