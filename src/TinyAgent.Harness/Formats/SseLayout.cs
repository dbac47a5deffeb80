namespace TinyAgent.Harness.Formats;

/// <summary>One line of an event stream: where its content starts, how long it is, and its terminator (0 at end of data, 1 for CR or LF, 2 for CRLF).</summary>
internal readonly record struct SseLine(int Start, int Length, int TerminatorLength)
{
    public int End => Start + Length + TerminatorLength;
    public bool IsBlank => Length == 0 && TerminatorLength > 0;
}

/// <summary>
/// One frame: the lines up to and including the blank line that dispatches it.
/// <see cref="EventType"/> is the value of its <c>event</c> field, if any.
/// </summary>
internal sealed record SseFrame(int Index, int Start, int End, string? EventType, IReadOnlyList<SseLine> Lines)
{
    public int Length => End - Start;
}

/// <summary>
/// The byte layout of an event stream, so that faults can cut at protocol-aware places.
/// Lines end with CRLF, LF or a lone CR (WHATWG "event stream interpretation").
/// Bytes after the last blank line form the tail, an unfinished frame that a conforming parser drops.
/// </summary>
internal sealed class SseLayout
{
    private SseLayout(IReadOnlyList<SseLine> lines, IReadOnlyList<SseFrame> frames, int tailStart, int length)
    {
        Lines = lines;
        Frames = frames;
        TailStart = tailStart;
        Length = length;
    }

    public IReadOnlyList<SseLine> Lines { get; }
    public IReadOnlyList<SseFrame> Frames { get; }

    /// <summary>Offset where the unfinished tail starts (equals <see cref="Length"/> when there is none).</summary>
    public int TailStart { get; }
    public int Length { get; }

    /// <summary>Offsets just after each frame's dispatching blank line, ascending.</summary>
    public IEnumerable<int> FrameEnds => Frames.Select(f => f.End);

    public static SseLayout Parse(ReadOnlySpan<byte> body)
    {
        var lines = new List<SseLine>();
        int pos = body.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
        while (pos < body.Length)
        {
            int rel = body[pos..].IndexOfAny((byte)'\r', (byte)'\n');
            if (rel < 0)
            {
                lines.Add(new SseLine(pos, body.Length - pos, 0));
                break;
            }

            int term = body[pos + rel] == '\r' && pos + rel + 1 < body.Length && body[pos + rel + 1] == '\n' ? 2 : 1;
            lines.Add(new SseLine(pos, rel, term));
            pos += rel + term;
        }

        var frames = new List<SseFrame>();
        int frameStartLine = 0;
        for (int i = 0; i < lines.Count; i++)
        {
            if (!lines[i].IsBlank)
            {
                continue;
            }

            var frameLines = lines.GetRange(frameStartLine, i - frameStartLine + 1);
            frames.Add(new SseFrame(frames.Count, frameLines[0].Start, lines[i].End, FindEventType(body, frameLines), frameLines));
            frameStartLine = i + 1;
        }

        int tailStart = frames.Count > 0 ? frames[^1].End : (lines.Count > 0 ? lines[0].Start : body.Length);
        return new SseLayout(lines, frames, frameStartLine < lines.Count ? tailStart : body.Length, body.Length);
    }

    private static string? FindEventType(ReadOnlySpan<byte> body, List<SseLine> lines)
    {
        string? type = null;
        foreach (var line in lines)
        {
            var text = body.Slice(line.Start, line.Length);
            if (text.StartsWith("event:"u8))
            {
                var value = text[6..];
                if (value.Length > 0 && value[0] == (byte)' ')
                {
                    value = value[1..];
                }

                type = System.Text.Encoding.UTF8.GetString(value);
            }
        }

        return type;
    }
}
