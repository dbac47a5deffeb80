namespace TinyAgent.Client.Internal;

/// <summary>
/// Measures one call against its limits (first byte, idle, total): how long the next wait may last. Idle time is counted only while a read waits on the network, so a slow consumer
/// never looks like a stalled server; with IdleRequiresContent the waits add up until a non-ping event arrives.
/// </summary>
internal sealed class CallDeadlines(MessagesClientOptions options)
{
    private readonly TimeProvider _time = options.TimeProvider;
    private readonly long _start = options.TimeProvider.GetTimestamp();
    private TimeSpan _idleWaited;

    public TimeProvider Time => _time;

    public TimeSpan TotalRemaining => options.TotalTimeout - _time.GetElapsedTime(_start);

    public (TimeSpan Timeout, TimeoutPhase Phase) ForFirstByte()
    {
        var total = TotalRemaining;
        return options.FirstByteTimeout <= total ? (options.FirstByteTimeout, TimeoutPhase.FirstByte) : (total, TimeoutPhase.Total);
    }

    public (TimeSpan Timeout, TimeoutPhase Phase) ForNextRead()
    {
        var idle = options.IdleRequiresContent ? options.IdleTimeout - _idleWaited : options.IdleTimeout;
        var total = TotalRemaining;
        return idle <= total ? (idle, TimeoutPhase.Idle) : (total, TimeoutPhase.Total);
    }

    public void AfterRead(TimeSpan waited)
    {
        if (options.IdleRequiresContent)
            _idleWaited += waited;
    }

    public void OnContent() => _idleWaited = TimeSpan.Zero;

    /// <summary>Names the configured limit of <paramref name="phase"/>, not what was left of it: that is the number a user can look up and change.</summary>
    public StreamTimeoutException TimeoutError(TimeoutPhase phase, Exception? inner = null) => phase switch
    {
        TimeoutPhase.FirstByte => new StreamTimeoutException(phase, $"No response body byte within the first-byte timeout ({options.FirstByteTimeout.TotalMilliseconds:0} ms).", inner),
        TimeoutPhase.Idle => new StreamTimeoutException(phase, $"Stream stalled: no progress within the idle timeout ({options.IdleTimeout.TotalMilliseconds:0} ms).", inner),
        _ => new StreamTimeoutException(phase, $"The call exceeded the total timeout ({options.TotalTimeout.TotalMilliseconds:0} ms).", inner),
    };
}
