using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace TinyAgent.Client.Internal;

/// <summary>
/// Decodes a JSON string's body (the bytes between its quotes) into a pooled <see cref="TextBuffer"/>: by hand for
/// the escapes the API writes, with <see cref="Utf8JsonReader"/> for the rest, so both give the reader's result or error.
/// </summary>
internal static class JsonStringDecoder
{
    /// <summary>The bytes that end a run of plain string bytes: control characters, the quote and the backslash.</summary>
    public static readonly SearchValues<byte> StringStops =
        SearchValues.Create([.. Enumerable.Range(0, 0x20).Select(static b => (byte)b), (byte)'"', (byte)'\\']);

    /// <summary>
    /// Decodes a string body into the buffer without a JSON reader: the characters written, -1 (nothing written) if it
    /// is invalid, or -2 for what it leaves to <see cref="TryUnescape"/>: a lone or broken surrogate escape, a short
    /// or non-hex \u escape (the reader decides those, so both paths agree on every error).
    /// </summary>
    public static int UnescapeSimple(ReadOnlySpan<byte> value, TextBuffer target)
    {
        // Each escape shrinks two bytes to one char and one UTF-8 byte never makes more than one char.
        var span = target.GetSpan(value.Length);
        var written = 0;
        while (true)
        {
            // A backslash is ASCII, so it never splits a UTF-8 sequence: each run must be valid on its own.
            var slash = value.IndexOf((byte)'\\');
            var run = slash < 0 ? value : value[..slash];
            if (System.Text.Unicode.Utf8.ToUtf16(run, span[written..], out _, out var n, replaceInvalidSequences: false) != OperationStatus.Done)
                return -1;
            written += n;
            if (slash < 0)
                break;
            // The caller's scan paired every backslash with the byte after it, so that byte exists.
            if (value[slash + 1] == 'u')
            {
                var used = UnicodeEscape(value[slash..], span[written..], ref written);
                if (used < 0)
                    return -2;
                value = value[(slash + used)..];
                continue;
            }
            int c = value[slash + 1] switch
            {
                (byte)'"' => '"',
                (byte)'\\' => '\\',
                (byte)'/' => '/',
                (byte)'b' => '\b',
                (byte)'f' => '\f',
                (byte)'n' => '\n',
                (byte)'r' => '\r',
                (byte)'t' => '\t',
                _ => -1,
            };
            if (c < 0)
                return c;
            span[written++] = (char)c;
            value = value[(slash + 2)..];
        }
        target.Advance(written);
        return written;
    }

    /// <summary>
    /// Decodes <c>\uXXXX</c> (or a surrogate pair of two) at the start of <paramref name="escape"/> into
    /// <paramref name="destination"/>: the bytes consumed, or -1 for anything but a BMP character or a whole pair.
    /// </summary>
    private static int UnicodeEscape(ReadOnlySpan<byte> escape, Span<char> destination, ref int written)
    {
        if (!TryHex4(escape, out var code))
            return -1;
        if (!char.IsSurrogate(code))
        {
            destination[0] = code;
            written++;
            return 6;
        }
        if (!char.IsHighSurrogate(code) || escape.Length < 12 || escape[6] != '\\' || escape[7] != 'u'
            || !TryHex4(escape[6..], out var low) || !char.IsLowSurrogate(low))
            return -1;
        destination[0] = code;
        destination[1] = low;
        written += 2;
        return 12;
    }

    private static bool TryHex4(ReadOnlySpan<byte> escape, out char code)
    {
        code = '\0';
        if (escape.Length < 6 || !ushort.TryParse(escape.Slice(2, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
            return false;
        code = (char)value;
        return true;
    }

    /// <summary>Decodes one quoted JSON string into the buffer with the reader: the characters written; throws if it is invalid.</summary>
    public static int Unescape(ReadOnlySpan<byte> quoted, TextBuffer target)
    {
        var reader = new Utf8JsonReader(quoted);
        reader.Read();
        var written = reader.CopyString(target.GetSpan(quoted.Length));
        target.Advance(written);
        return written;
    }

    /// <summary><see cref="Unescape"/>, or -1 (nothing written) where it would throw, so the slow path reports it.</summary>
    public static int TryUnescape(ReadOnlySpan<byte> quoted, TextBuffer target)
    {
        try
        {
            return Unescape(quoted, target);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return -1;
        }
    }
}
