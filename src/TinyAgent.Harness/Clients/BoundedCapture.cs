using System.Text;

namespace TinyAgent.Harness.Clients;

/// <summary>Keeps the first <c>limit</c> bytes of a stream (the rest is read and dropped, so the writer never blocks); UTF-8 text.</summary>
internal sealed class BoundedCapture(int limit)
{
    private readonly Lock _gate = new();
    private readonly MemoryStream _bytes = new();

    public async Task CopyFromAsync(Stream source)
    {
        byte[] buffer = new byte[16 * 1024];
        try
        {
            int n;
            while ((n = await source.ReadAsync(buffer).ConfigureAwait(false)) > 0)
            {
                lock (_gate)
                {
                    _bytes.Write(buffer, 0, (int)Math.Min(n, Math.Max(0, limit - _bytes.Length)));
                }
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // the pipe went away with the process: keep what arrived
        }
    }

    public override string ToString()
    {
        lock (_gate)
        {
            return Encoding.UTF8.GetString(_bytes.GetBuffer(), 0, (int)_bytes.Length);
        }
    }
}
