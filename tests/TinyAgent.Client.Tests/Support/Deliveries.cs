using System.Net;
using System.Net.Http.Headers;
using TinyAgent.Client.Internal;

namespace TinyAgent.Client.Tests.Support;

/// <summary>Ways to cut a body into reads.</summary>
internal static class Deliveries
{
    public static IReadOnlyList<byte[]> Whole(byte[] body) => [body];

    public static IReadOnlyList<byte[]> Bytewise(byte[] body) => [.. body.Select(b => new[] { b })];

    public static IReadOnlyList<byte[]> Even(byte[] body, int count)
    {
        count = Math.Clamp(count, 1, Math.Max(1, body.Length));
        var size = (body.Length + count - 1) / count;
        return [.. body.Chunk(Math.Max(1, size))];
    }

    public static IReadOnlyList<byte[]> Random(byte[] body, int seed, int maxChunk = 40)
    {
        var random = new Random(seed);
        var chunks = new List<byte[]>();
        for (var i = 0; i < body.Length;)
        {
            var n = Math.Min(body.Length - i, random.Next(1, maxChunk + 1));
            chunks.Add(body[i..(i + n)]);
            i += n;
        }
        return chunks;
    }

    public static IReadOnlyList<byte[]> At(byte[] body, IEnumerable<int> cuts)
    {
        var points = cuts.Where(c => c > 0 && c < body.Length).Distinct().Order().Append(body.Length).ToList();
        var chunks = new List<byte[]>();
        var start = 0;
        foreach (var p in points)
        {
            chunks.Add(body[start..p]);
            start = p;
        }
        return chunks;
    }
}

/// <summary>A handler serving planned chunks, one per read, never merged: the cheap way to test many deliveries.</summary>
internal sealed class ChunkHandler(Func<IReadOnlyList<byte[]>> chunks, HttpStatusCode status = HttpStatusCode.OK) : HttpMessageHandler
{
    public int Requests { get; private set; }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Requests++;
        var content = new StreamContent(new ChunkStream(chunks()));
        content.Headers.ContentType = new MediaTypeHeaderValue("text/event-stream");
        var response = new HttpResponseMessage(status) { Content = content, RequestMessage = request };
        response.Headers.TryAddWithoutValidation("request-id", "req_stub");
        return Task.FromResult(response);
    }
}

internal sealed class ChunkStream(IReadOnlyList<byte[]> chunks) : ReadOnlyStream
{
    private int _chunk;
    private int _offset;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        if (_chunk >= chunks.Count || buffer.Length == 0)
            return 0;
        var current = chunks[_chunk];
        var n = Math.Min(buffer.Length, current.Length - _offset);
        current.AsSpan(_offset, n).CopyTo(buffer);
        _offset += n;
        if (_offset == current.Length)
        {
            _chunk++;
            _offset = 0;
        }
        return n;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));
}
