using System.Net;
using System.Net.Sockets;
using TinyAgent.Client.Internal;
using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Clients;

/// <summary>Records every read a client makes from a response body: size and time since the run started.</summary>
internal sealed class ReadRecorder(TimeProvider time, long startedTimestamp)
{
    private readonly Lock _gate = new();
    private readonly List<ClientRead> _reads = [];

    public TimeSpan Now => time.GetElapsedTime(startedTimestamp);

    public void Record(int size)
    {
        if (size <= 0)
        {
            return; // end of stream is not a chunk
        }

        var at = Now;
        lock (_gate)
        {
            _reads.Add(new ClientRead(size, at));
        }
    }

    public IReadOnlyList<ClientRead> Reads
    {
        get
        {
            lock (_gate)
            {
                return [.. _reads];
            }
        }
    }

    public TimeSpan? FirstByteAt
    {
        get
        {
            lock (_gate)
            {
                return _reads.Count == 0 ? null : _reads[0].At;
            }
        }
    }
}

/// <summary>
/// The HttpClient of one run: a <see cref="SocketsHttpHandler"/> (infinite timeout: the client's own timeouts or
/// the harness's deadline govern) behind a handler that records body reads.
/// One per run, not shared: runs never see each other's connections or reads, and disposing it closes every
/// socket the run opened, the way a process exit would, so a connection a client forgot stays open exactly as
/// long as its run lives and no longer.
/// </summary>
internal sealed class RunHttp : IDisposable
{
    private readonly List<Socket> _sockets = [];
    private readonly Lock _gate = new();

    private RunHttp(TimeProvider time, Func<HttpMessageHandler>? innerHandler)
    {
        StartedTimestamp = time.GetTimestamp();
        Recorder = new ReadRecorder(time, StartedTimestamp);
        var inner = innerHandler?.Invoke() ?? new SocketsHttpHandler { ConnectCallback = ConnectAsync };
        Client = new HttpClient(new ReadRecordingHandler(Recorder) { InnerHandler = inner }, disposeHandler: true)
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public HttpClient Client { get; }

    public ReadRecorder Recorder { get; }

    /// <summary>When the run started (<see cref="TimeProvider.GetTimestamp"/>); read times are offsets from it.</summary>
    public long StartedTimestamp { get; }

    /// <param name="innerHandler">Replaces the sockets handler (tests deliver scripted reads through it).</param>
    public static RunHttp Create(TimeProvider time, Func<HttpMessageHandler>? innerHandler = null) => new(time, innerHandler);

    public void Dispose()
    {
        Client.Dispose();
        lock (_gate)
        {
            // An undisposed response keeps its connection out of the pool, where HttpClient.Dispose cannot reach it.
            foreach (var socket in _sockets)
            {
                socket.Dispose();
            }

            _sockets.Clear();
        }
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        lock (_gate)
        {
            _sockets.Add(socket);
        }

        return new NetworkStream(socket, ownsSocket: true);
    }
}

/// <summary>Wraps each response's content so its body stream records reads.</summary>
internal sealed class ReadRecordingHandler(ReadRecorder recorder) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        response.Content = new ReadRecordingContent(response.Content, recorder);
        return response;
    }
}

internal sealed class ReadRecordingContent : HttpContent
{
    private readonly HttpContent _inner;
    private readonly ReadRecorder _recorder;

    public ReadRecordingContent(HttpContent inner, ReadRecorder recorder)
    {
        _inner = inner;
        _recorder = recorder;
        foreach (var header in inner.Headers)
        {
            Headers.TryAddWithoutValidation(header.Key, header.Value);
        }
    }

    protected override async Task<Stream> CreateContentReadStreamAsync(CancellationToken cancellationToken) =>
        new ReadRecordingStream(await _inner.ReadAsStreamAsync(cancellationToken), _recorder);

    protected override Task<Stream> CreateContentReadStreamAsync() => CreateContentReadStreamAsync(CancellationToken.None);

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        await using var body = await CreateContentReadStreamAsync(cancellationToken);
        await body.CopyToAsync(stream, cancellationToken);
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }
}

/// <summary>A read-only pass-through stream that records the size and time of every read.</summary>
internal sealed class ReadRecordingStream(Stream inner, ReadRecorder recorder) : ReadOnlyStream
{
    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int n = inner.Read(buffer);
        recorder.Record(n);
        return n;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int n = await inner.ReadAsync(buffer, cancellationToken);
        recorder.Record(n);
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

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync();
        await base.DisposeAsync();
    }
}
