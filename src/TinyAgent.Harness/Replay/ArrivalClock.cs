namespace TinyAgent.Harness.Replay;

/// <summary>Measures time since one request arrived at the replay server: times are offsets from its arrival; the client's disconnect is stamped when it happens, even while the server is idle.</summary>
internal sealed class ArrivalClock : IDisposable
{
    private readonly TimeProvider _time;
    private readonly CancellationTokenRegistration _registration;
    private readonly System.Runtime.CompilerServices.StrongBox<long>? _lastPlannedWrite;
    private long _disconnectedAt;

    /// <param name="lastPlannedWrite">The scenario's "last planned write" cell, stamped at arrival and at every planned write.</param>
    public ArrivalClock(TimeProvider time, long started, CancellationToken requestAborted, System.Runtime.CompilerServices.StrongBox<long>? lastPlannedWrite = null)
    {
        _time = time;
        Started = started;
        _lastPlannedWrite = lastPlannedWrite;
        MarkPlannedWrite(started);
        _registration = requestAborted.UnsafeRegister(static s => ((ArrivalClock)s!).MarkDisconnected(), this);
    }

    public long Started { get; }

    public TimeSpan Now => _time.GetElapsedTime(Started);

    public TimeSpan? DisconnectedAt
    {
        get
        {
            long at = Interlocked.Read(ref _disconnectedAt);
            return at == 0 ? null : _time.GetElapsedTime(Started, at);
        }
    }

    public void Dispose() => _registration.Dispose();

    /// <summary>Records that a planned byte went out at <paramref name="timestamp"/> (keepalives are not planned bytes).</summary>
    public void MarkPlannedWrite(long timestamp)
    {
        if (_lastPlannedWrite is { } cell)
        {
            Interlocked.Exchange(ref cell.Value, timestamp);
        }
    }

    /// <summary>Records the disconnect now unless it was recorded earlier.</summary>
    public void MarkDisconnected() => Interlocked.CompareExchange(ref _disconnectedAt, _time.GetTimestamp(), 0);
}
