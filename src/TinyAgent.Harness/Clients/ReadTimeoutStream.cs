using TinyAgent.Client.Internal;

namespace TinyAgent.Harness.Clients;

/// <summary>A read that waited longer than its limit: <see cref="Type"/> is <c>timeout_first_byte</c> before any byte, <c>stalled</c> after.</summary>
internal sealed class ReadTimeoutException(string type, string message) : Exception(message)
{
    public string Type { get; } = type;
}

/// <summary>
/// A response body whose every read must bring bytes within a limit, asked of <c>limit</c> before each read (told
/// whether any byte has arrived yet, so the first byte and the rest can have limits of their own). Any bytes reset it,
/// comments and keepalives included, so a pause carried by keepalives stays alive; only time spent waiting on the
/// network counts, never time the reader spends between reads.
/// </summary>
internal sealed class ReadTimeoutStream(Stream inner, Func<bool, TimeLimit> limit, TimeProvider time) : ReadOnlyStream
{
    private bool _hasBytes;

    /// <summary><paramref name="firstByte"/> until the first byte (<c>timeout_first_byte</c>), then <paramref name="idle"/> (<c>stalled</c>).</summary>
    public ReadTimeoutStream(Stream inner, TimeSpan firstByte, TimeSpan idle, TimeProvider time)
        : this(inner, hasBytes => hasBytes
            ? new(idle, new ReadTimeoutException("stalled", $"no bytes for {idle.TotalMilliseconds:0} ms"))
            : new(firstByte, new ReadTimeoutException("timeout_first_byte", $"no first byte within {firstByte.TotalMilliseconds:0} ms")), time)
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("read it asynchronously");

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int n = await limit(_hasBytes).RunAsync(ct => inner.ReadAsync(buffer, ct).AsTask(), time, cancellationToken);
        _hasBytes |= n > 0;
        return n;
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
