using System.Buffers;
using System.Text.Unicode;

namespace TinyAgent.Client.Internal;

/// <summary>
/// A block's text as UTF-16 in pooled chunks: each delta is transcoded (and so UTF-8 checked) once on arrival,
/// growing never copies what was written, and the final string is a single copy. No garbage per delta.
/// </summary>
internal sealed class TextBuffer : IDisposable
{
    // Chunks double up to a cap, so a long text needs few of them and the shared pool keeps them for the next call.
    private const int FirstChunk = 4 * 1024;
    private const int MaxChunk = 1024 * 1024;
    private readonly List<(char[] Chunk, int Used)> _full = [];
    private char[] _current = [];
    private int _used;

    public int Length { get; private set; }

    /// <summary>A contiguous span of at least <paramref name="sizeHint"/> characters to write into.</summary>
    public Span<char> GetSpan(int sizeHint)
    {
        if (_current.Length - _used < sizeHint)
        {
            var size = Math.Max(sizeHint, Math.Clamp(_current.Length * 2, FirstChunk, MaxChunk));
            if (_used > 0)
            {
                _full.Add((_current, _used));
            }
            else if (_current.Length > 0)
            {
                ArrayPool<char>.Shared.Return(_current);
            }
            _current = ArrayPool<char>.Shared.Rent(size);
            _used = 0;
        }
        return _current.AsSpan(_used);
    }

    public void Advance(int count)
    {
        _used += count;
        Length += count;
    }

    /// <summary>The last <paramref name="count"/> characters written by one <see cref="GetSpan"/>/<see cref="Advance"/>.</summary>
    public ReadOnlySpan<char> Last(int count) => _current.AsSpan(_used - count, count);

    public void Append(ReadOnlySpan<char> text)
    {
        text.CopyTo(GetSpan(text.Length));
        Advance(text.Length);
    }

    /// <summary>Appends UTF-8 as UTF-16 and returns the characters written, or -1 (nothing kept) if it is not valid UTF-8.</summary>
    public int AppendUtf8(ReadOnlySpan<byte> utf8)
    {
        // One UTF-8 byte never makes more than one UTF-16 char.
        if (Utf8.ToUtf16(utf8, GetSpan(utf8.Length), out _, out var written, replaceInvalidSequences: false) != OperationStatus.Done)
            return -1;
        Advance(written);
        return written;
    }

    public override string ToString()
    {
        if (Length == 0)
            return "";
        if (_full.Count == 0)
            return new string(_current, 0, _used);
        return string.Create(Length, this, static (destination, self) =>
        {
            foreach (var (chunk, used) in self._full)
            {
                chunk.AsSpan(0, used).CopyTo(destination);
                destination = destination[used..];
            }
            self._current.AsSpan(0, self._used).CopyTo(destination);
        });
    }

    public void Dispose()
    {
        foreach (var (chunk, _) in _full)
            ArrayPool<char>.Shared.Return(chunk);
        _full.Clear();
        if (_current.Length > 0)
            ArrayPool<char>.Shared.Return(_current);
        _current = [];
        _used = 0;
        Length = 0;
    }
}
