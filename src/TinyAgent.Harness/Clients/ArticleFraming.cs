using System.Text;

namespace TinyAgent.Harness.Clients;

/// <summary>How the article's loop turns reads into messages (the text between blank lines); one instance per run.</summary>
internal abstract class ArticleFraming
{
    /// <summary>The messages one read completes.</summary>
    public abstract IReadOnlyList<string> Read(ReadOnlySpan<byte> read);

    /// <summary>The messages still held when the body ends.</summary>
    public abstract IReadOnlyList<string> End();

    /// <summary>CRLF and lone CR become LF, so a blank line is always <c>\n\n</c>.</summary>
    protected static string Normalize(string s) => s.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
}

/// <summary>The fix: stateful UTF-8 decoding, and the unfinished last piece carried to the next read (<c>pop()</c>).</summary>
internal sealed class CarriedBufferFraming : ArticleFraming
{
    private readonly Decoder _decoder = new UTF8Encoding(false).GetDecoder();
    private char[] _chars = [];
    private string _carried = "";

    public override IReadOnlyList<string> Read(ReadOnlySpan<byte> read)
    {
        int max = Encoding.UTF8.GetMaxCharCount(read.Length);
        if (_chars.Length < max)
        {
            _chars = new char[max];
        }

        int c = _decoder.GetChars(read, _chars, flush: false);
        string text = _carried + new string(_chars, 0, c);
        bool heldCr = text.EndsWith('\r'); // its LF may start the next read
        string[] messages = Normalize(heldCr ? text[..^1] : text).Split("\n\n");
        _carried = messages[^1] + (heldCr ? "\r" : "");
        return messages[..^1];
    }

    // A CR held back at the end of the last read was a line ending after all.
    public override IReadOnlyList<string> End() => _carried.EndsWith('\r') ? Normalize(_carried).Split("\n\n")[..^1] : [];
}
