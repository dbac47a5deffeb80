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
        [.. layout.Frames.Where(f => f.Lines.Any(l => DataValue(body, l) is not null))];

    /// <summary>Where a data line's value starts: after <c>data:</c> and one optional space.</summary>
    public static int DataValueStart(byte[] body, SseLine line)
    {
        int start = line.Start + 5;
        return start < line.Start + line.Length && body[start] == (byte)' ' ? start + 1 : start;
    }

    /// <summary>
    /// Where a data line's value lies: after <c>data:</c> and one optional space, or empty for a bare <c>data</c> line
    /// ("If the line is not empty but does not contain a U+003A COLON character, ... using the whole line as the field
    /// name, and the empty string as the field value"). Null for any other line.
    /// </summary>
    public static (int Start, int Length)? DataValue(byte[] body, SseLine line)
    {
        if (IsDataLine(body, line))
        {
            int start = DataValueStart(body, line);
            return (start, line.Start + line.Length - start);
        }

        return line.Length == 4 && StartsWith(body, line, "data"u8) ? (line.Start + 4, 0) : null;
    }

    /// <summary>The values of the frame's data lines, in order.</summary>
    public static List<(int Start, int Length)> DataValues(byte[] body, SseFrame frame) =>
        [.. frame.Lines.Select(l => DataValue(body, l)).Where(v => v is not null).Select(v => v!.Value)];

    /// <summary>Data values joined with LF, as a parser hands them over.</summary>
    public static byte[] DataBytes(byte[] body, IReadOnlyList<(int Start, int Length)> values)
    {
        if (values.Count == 1)
        {
            return body.AsSpan(values[0].Start, values[0].Length).ToArray();
        }

        var data = new List<byte>();
        foreach (var (start, length) in values)
        {
            if (data.Count > 0)
            {
                data.Add((byte)'\n');
            }

            data.AddRange(body.AsSpan(start, length));
        }

        return [.. data];
    }

    /// <summary>The frame's data lines joined with LF, as a parser hands them over.</summary>
    public static string Data(byte[] body, SseFrame frame) => Encoding.UTF8.GetString(DataBytes(body, DataValues(body, frame)));

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
