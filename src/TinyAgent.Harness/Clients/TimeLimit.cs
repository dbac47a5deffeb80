namespace TinyAgent.Harness.Clients;

/// <summary>How long a built-in client lets one wait take (headers, a read), and what it throws when the wait takes longer.</summary>
internal readonly record struct TimeLimit(TimeSpan Wait, Exception Error)
{
    /// <summary>Runs <paramref name="work"/> under this limit; the caller's own cancellation passes through as it is.</summary>
    public async Task<T> RunAsync<T>(Func<CancellationToken, Task<T>> work, TimeProvider time, CancellationToken token)
    {
        using var timer = new CancellationTokenSource(Wait, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(token, timer.Token);
        try
        {
            return await work(linked.Token);
        }
        catch (OperationCanceledException) when (timer.IsCancellationRequested && !token.IsCancellationRequested)
        {
            throw Error;
        }
    }
}
