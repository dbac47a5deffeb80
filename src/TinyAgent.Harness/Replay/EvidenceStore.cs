using System.Collections.Concurrent;
using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Replay;

/// <summary>Finished requests' evidence per scenario, and signals for whoever waits on one.</summary>
internal sealed class EvidenceStore(int limitPerScenario)
{
    private readonly ConcurrentDictionary<string, BoundedRing<ServerEvidence>> _byScenario = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Scenario, int Attempt), TaskCompletionSource<ServerEvidence>> _waiters = new();

    public event Action<ServerEvidence>? Completed;

    public void Add(ServerEvidence evidence)
    {
        var ring = _byScenario.GetOrAdd(evidence.Scenario, _ => new(limitPerScenario));
        lock (ring)
        {
            ring.Add(evidence);
        }

        if (_waiters.TryRemove((evidence.Scenario, evidence.Attempt), out var waiter))
        {
            waiter.TrySetResult(evidence);
        }

        Completed?.Invoke(evidence);
    }

    public IReadOnlyList<ServerEvidence> For(string scenario)
    {
        if (!_byScenario.TryGetValue(scenario, out var ring))
        {
            return [];
        }

        lock (ring)
        {
            return [.. ring.ToList().OrderBy(e => e.Attempt)];
        }
    }

    public async Task<ServerEvidence> WaitAsync(string scenario, int attempt, CancellationToken ct)
    {
        var waiter = _waiters.GetOrAdd((scenario, attempt), static _ => new(TaskCreationOptions.RunContinuationsAsynchronously));

        // Registered first, looked up second: a request finishing in between is seen by one of the two.
        var done = Find(scenario, attempt);
        if (done is not null)
        {
            waiter.TrySetResult(done);
            _waiters.TryRemove(new((scenario, attempt), waiter));
            return done;
        }

        return await waiter.Task.WaitAsync(ct).ConfigureAwait(false);
    }

    public void Clear(string scenario)
    {
        _byScenario.TryRemove(scenario, out _);
    }

    private ServerEvidence? Find(string scenario, int attempt)
    {
        if (!_byScenario.TryGetValue(scenario, out var ring))
        {
            return null;
        }

        lock (ring)
        {
            return ring.ToList().Find(e => e.Attempt == attempt);
        }
    }
}
