using System.Net;
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
