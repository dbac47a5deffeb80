using System.Buffers;
using System.Text;

namespace TinyAgent.Client.Internal;

/// <summary>A growable UTF-8 byte buffer on pooled arrays, so accumulating deltas costs no garbage per delta.</summary>
internal sealed class PooledBuffer : IDisposable
{
    private byte[] _array = [];
    private int _length;

    public int Length => _length;

    public ReadOnlySpan<byte> Written => _array.AsSpan(0, _length);

    public Span<byte> GetSpan(int sizeHint)
    {
        if (_array.Length - _length < sizeHint)
            Grow(sizeHint);
        return _array.AsSpan(_length);
    }

    public void Advance(int count) => _length += count;

    public void Append(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(GetSpan(bytes.Length));
        _length += bytes.Length;
    }

    public void Append(string text)
    {
        var span = GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        _length += Encoding.UTF8.GetBytes(text, span);
    }

    public override string ToString() => _length == 0 ? "" : Encoding.UTF8.GetString(Written);

    private void Grow(int sizeHint)
    {
        var next = ArrayPool<byte>.Shared.Rent(Math.Max(_length + sizeHint, Math.Max(256, _array.Length * 2)));
        Written.CopyTo(next);
        Release();
        _array = next;
    }

    private void Release()
    {
        if (_array.Length > 0)
            ArrayPool<byte>.Shared.Return(_array);
        _array = [];
    }

    public void Dispose()
    {
        Release();
        _length = 0;
    }
}
