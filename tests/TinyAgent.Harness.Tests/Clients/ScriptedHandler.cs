using System.Net;
using TinyAgent.Client.Internal;

namespace TinyAgent.Harness.Tests.Clients;

internal enum ScriptedEnd
{
    Complete,
    Reset,
    Stall,
}

/// <summary>An in-memory handler whose response body delivers exactly the planned reads, then ends as told.</summary>
internal sealed class ScriptedHandler(IReadOnlyList<byte[]> reads, ScriptedEnd end = ScriptedEnd.Complete) : HttpMessageHandler
{
    public ScriptedStream? Body { get; private set; }

    public TaskCompletionSource RequestSeen { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Splits <paramref name="body"/> at the given offsets.</summary>
    public static IReadOnlyList<byte[]> Cut(byte[] body, params int[] offsets)
    {
        var parts = new List<byte[]>();
        int start = 0;
        foreach (int cut in offsets.Append(body.Length))
        {
            parts.Add(body[start..cut]);
            start = cut;
        }

        return parts;
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Body = new ScriptedStream(reads, end);
        RequestSeen.TrySetResult();
        var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(Body), RequestMessage = request };
        response.Content.Headers.TryAddWithoutValidation("content-type", "text/event-stream; charset=utf-8");
        return Task.FromResult(response);
    }
}

/// <summary>Each read returns at most one planned piece (never merges two), like a network that delivers them apart.</summary>
internal sealed class ScriptedStream(IReadOnlyList<byte[]> reads, ScriptedEnd end) : ReadOnlyStream
{
    private int _next;
    private int _offset;

    public int ReadsServed { get; private set; }

    public TaskCompletionSource Disposed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the stream has delivered every planned read and the reader asks for more.</summary>
    public TaskCompletionSource Exhausted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_next < reads.Count)
        {
            var piece = reads[_next];
            int n = Math.Min(buffer.Length, piece.Length - _offset);
            piece.AsSpan(_offset, n).CopyTo(buffer.Span);
            _offset += n;
            if (_offset == piece.Length)
            {
                _next++;
                _offset = 0;
            }

            ReadsServed++;
            return n;
        }

        Exhausted.TrySetResult();
        switch (end)
        {
            case ScriptedEnd.Reset:
                throw new IOException("Connection reset by peer (scripted)");
            case ScriptedEnd.Stall:
                await Task.Delay(Timeout.Infinite, cancellationToken);
                return 0;
            default:
                return 0;
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

    protected override void Dispose(bool disposing)
    {
        Disposed.TrySetResult();
        base.Dispose(disposing);
    }
}
