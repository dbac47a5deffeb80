using System.Buffers;

namespace TinyAgent.Client.Internal;

/// <summary>One send: the response, and for a success status the body stream with its first bytes already read,
/// so a failure before the first body byte is still retryable.</summary>
internal sealed class Attempt(HttpResponseMessage response) : IDisposable
{
    public HttpResponseMessage Response { get; } = response;
    public Stream? Body { get; set; }
    public byte[]? First { get; set; }
    public int FirstCount { get; set; }
    public TimeSpan? RetryAfter { get; set; }

    /// <summary>Hands the body over to a reader; Dispose then leaves it alone.</summary>
    public (Stream Body, byte[] First, int Count) Take()
    {
        var taken = (Body!, First!, FirstCount);
        Body = null;
        First = null;
        return taken;
    }

    public void Dispose()
    {
        if (First is { } first)
        {
            First = null;
            ArrayPool<byte>.Shared.Return(first);
        }
        Body?.Dispose();
        Body = null;
        Response.Dispose();
    }
}
