using System.Buffers;
using Polly;
using Polly.Timeout;

namespace TinyAgent.Client.Internal;

/// <summary>
/// The response body as the SSE parser sees it: each network read runs through the Polly timeout pipeline with the
/// current idle/total deadline. Reads are 16 KB so the per-read Polly cost is spread over many events.
/// </summary>
internal sealed class BodyReader : ReadOnlyStream
{
    internal const int BufferSize = 16 * 1024;
    internal static readonly ResiliencePropertyKey<TimeSpan> TimeoutKey = new("tinyagent.read-timeout");

    private readonly Stream _inner;
    private readonly ResiliencePipeline _pipeline;
    private readonly CallDeadlines _deadlines;
    private readonly CancellationToken _token;
    private byte[] _buffer;
    private int _position;
    private int _count;
    private bool _ended;

    public BodyReader(Stream inner, byte[] firstBuffer, int firstCount, ResiliencePipeline pipeline, CallDeadlines deadlines, CancellationToken token)
    {
        _inner = inner;
        _buffer = firstBuffer;
        _count = firstCount;
        _ended = firstCount == 0;
        _pipeline = pipeline;
        _deadlines = deadlines;
        _token = token;
        BytesRead = firstCount;
    }

    public long BytesRead { get; private set; }

    public override ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default) =>
        // The parser reads in small pieces: serve what is buffered without an async state machine.
        _position < _count ? new ValueTask<int>(CopyBuffered(destination.Span)) : ReadAfterFillAsync(destination);

    private async ValueTask<int> ReadAfterFillAsync(Memory<byte> destination)
    {
        if (_ended)
            return 0;
        await FillAsync().ConfigureAwait(false);
        if (_count == 0)
        {
            _ended = true;
            return 0;
        }
        return CopyBuffered(destination.Span);
    }

    private int CopyBuffered(Span<byte> destination)
    {
        var n = Math.Min(destination.Length, _count - _position);
        _buffer.AsSpan(_position, n).CopyTo(destination);
        _position += n;
        return n;
    }

    private async ValueTask FillAsync()
    {
        var (timeout, phase) = _deadlines.ForNextRead();
        if (timeout <= TimeSpan.Zero)
            throw _deadlines.TimeoutError(phase);
        var context = ResilienceContextPool.Shared.Get(_token);
        context.Properties.Set(TimeoutKey, timeout);
        var started = _deadlines.Time.GetTimestamp();
        try
        {
            _position = 0;
            _count = 0;
            _count = await _pipeline.ExecuteAsync(
                static (ctx, self) => self._inner.ReadAsync(self._buffer.AsMemory(), ctx.CancellationToken),
                context,
                this).ConfigureAwait(false);
            BytesRead += _count;
        }
        catch (TimeoutRejectedException ex)
        {
            throw _deadlines.TimeoutError(phase, ex);
        }
        finally
        {
            _deadlines.AfterRead(_deadlines.Time.GetElapsedTime(started));
            ResilienceContextPool.Shared.Return(context);
        }
    }

    /// <summary>
    /// Closes the connection without the handler's drain-on-dispose: a read that is pending when its token is
    /// cancelled makes SocketsHttpHandler drop the connection at once.
    /// </summary>
    public async ValueTask AbortAsync()
    {
        if (_ended)
            return;
        _ended = true;
        try
        {
            for (var i = 0; i < 16; i++)
            {
                using var cts = new CancellationTokenSource();
                var pending = _inner.ReadAsync(_buffer.AsMemory(), cts.Token);
                if (pending.IsCompleted)
                {
                    if (await pending.ConfigureAwait(false) == 0)
                        return;
                    continue;
                }
                await cts.CancelAsync().ConfigureAwait(false);
                await pending.ConfigureAwait(false);
                return;
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or HttpRequestException or ObjectDisposedException)
        {
            // Expected: the cancelled read tore the connection down.
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && _buffer.Length > 0)
        {
            _inner.Dispose();
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
            _count = _position = 0;
            _ended = true;
        }
        base.Dispose(disposing);
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("BodyReader is read asynchronously.");
}
