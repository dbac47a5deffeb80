using TinyAgent.Client.Internal;

namespace TinyAgent.Harness.Clients;

/// <summary>A read that waited longer than its limit: <see cref="Type"/> is <c>timeout_first_byte</c> before any byte, <c>stalled</c> after.</summary>
internal sealed class ReadTimeoutException(string type, string message) : Exception(message)
{
    public string Type { get; } = type;
}

/// <summary>
/// A response body whose every read must bring bytes within a limit: <c>firstByte</c> until the first byte, then
/// <c>idle</c>. Any bytes reset it, comments and keepalives included, so a pause carried by keepalives stays alive;
/// only time spent waiting on the network counts, never time the reader spends between reads.
/// </summary>
internal sealed class ReadTimeoutStream(Stream inner, TimeSpan firstByte, TimeSpan idle, TimeProvider time) : ReadOnlyStream
{
    private bool _hasBytes;

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("read it asynchronously");

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var limit = _hasBytes ? idle : firstByte;
        using var timer = new CancellationTokenSource(limit, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            int n = await inner.ReadAsync(buffer, linked.Token);
            _hasBytes |= n > 0;
            return n;
        }
        catch (OperationCanceledException) when (timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw _hasBytes
                ? new ReadTimeoutException("stalled", $"no bytes for {limit.TotalMilliseconds:0} ms")
                : new ReadTimeoutException("timeout_first_byte", $"no first byte within {limit.TotalMilliseconds:0} ms");
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
