using System.Text;

namespace TinyAgent.Harness.Formats;

/// <summary>Reads and writes frames of a body laid out by <see cref="SseLayout"/>: the data of a frame as a parser hands it over, and new frames in a given line ending.</summary>
internal static class SseFrames
{
    /// <summary>An <c>event:</c> + <c>data:</c> frame.</summary>
    public static byte[] Frame(string eventType, string json, string eol) =>
        Encoding.UTF8.GetBytes($"event: {eventType}{eol}data: {json}{eol}{eol}");

    /// <summary>A data-only frame, as Chat Completions writes every chunk.</summary>
    public static byte[] DataFrame(string json, string eol) => Encoding.UTF8.GetBytes($"data: {json}{eol}{eol}");

    public static bool StartsWith(byte[] body, SseLine line, ReadOnlySpan<byte> prefix) =>
        line.Length >= prefix.Length && body.AsSpan(line.Start, prefix.Length).SequenceEqual(prefix);

    public static bool IsDataLine(byte[] body, SseLine line) => StartsWith(body, line, "data:"u8);

    /// <summary>Frames a parser dispatches as events (those with a data line); comments and keep-alives are not events.</summary>
    public static List<SseFrame> EventFrames(byte[] body, SseLayout layout) =>
        [.. layout.Frames.Where(f => f.Lines.Any(l => IsDataLine(body, l)))];

    /// <summary>Where a data line's value starts: after <c>data:</c> and one optional space.</summary>
    public static int DataValueStart(byte[] body, SseLine line)
    {
        int start = line.Start + 5;
        return start < line.Start + line.Length && body[start] == (byte)' ' ? start + 1 : start;
    }

    /// <summary>The frame's data lines joined with LF, as a parser hands them over.</summary>
    public static string Data(byte[] body, SseFrame frame) => string.Join('\n', frame.Lines
        .Where(l => IsDataLine(body, l))
        .Select(l =>
        {
            int start = DataValueStart(body, l);
            return Encoding.UTF8.GetString(body, start, l.Start + l.Length - start);
        }));

    /// <summary>The line ending the body uses (the first line's terminator), so injected frames look like their neighbours.</summary>
    public static string LineEnding(byte[] body, SseLayout layout)
    {
        foreach (var line in layout.Lines)
        {
            if (line.TerminatorLength == 2)
            {
                return "\r\n";
            }

            if (line.TerminatorLength == 1)
            {
                return body[line.Start + line.Length] == (byte)'\r' ? "\r" : "\n";
            }
        }

        return "\n";
    }
}
