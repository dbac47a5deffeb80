using System.Text.Json;
using TinyAgent.Harness.Formats;
using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Recordings;

/// <summary>
/// Checks a recording's body: text (no binary bytes), valid UTF-8, every dispatched frame's data one JSON value, and
/// readable in its wire format. Errors name the file and the 1-based line and byte column.
/// </summary>
internal static class RecordingBodyCheck
{
    /// <summary>Checks a body and throws on the first problem. <paramref name="isStream"/>: a 2xx reply, so an event stream
    /// (then its layout and derived <see cref="ExpectedResult"/> are returned, so nothing parses it again; otherwise null).</summary>
    public static (SseLayout Layout, ExpectedResult Expected)? Validate(string file, byte[] body, bool isStream = true, string? format = null)
    {
        if (body.Length == 0)
        {
            throw new HarnessInputException(file, "recording is empty (0 bytes)");
        }

        int control = body.AsSpan().IndexOfAnyExcept(TextBytes);
        if (control >= 0)
        {
            var (line, col) = Position(body, control);
            throw new HarnessInputException($"{file}:{line}:{col}", $"binary data, not text (byte 0x{body[control]:X2} at byte offset {control})");
        }

        int bad = FirstInvalidUtf8(body);
        if (bad >= 0)
        {
            var (line, col) = Position(body, bad);
            throw new HarnessInputException($"{file}:{line}:{col}", $"invalid UTF-8 (byte 0x{body[bad]:X2} at byte offset {bad})");
        }

        if (!isStream)
        {
            return null;
        }

        var layout = SseLayout.Parse(body);
        foreach (var frame in layout.Frames)
        {
            CheckFrameJson(file, body, frame);
        }

        var wire = format is not null && WireFormats.Find(format) is { } named ? named : WireFormats.Detect(body);
        if (wire.CheckRecording(layout, body) is { } problem)
        {
            throw new HarnessInputException(file, problem);
        }

        try
        {
            return (layout, wire.Read(body));
        }
        catch (HarnessInputException ex)
        {
            throw ex.Within(file);
        }
    }

    private static void CheckFrameJson(string file, byte[] body, SseFrame frame)
    {
        var dataLines = SseFrames.DataValues(body, frame);
        if (dataLines.Count == 0)
        {
            return; // comments and data-less events are never dispatched
        }

        string ev = frame.EventType is { } t ? $"event '{t}'" : "an event";
        if (dataLines.All(d => body.AsSpan(d.Start, d.Length).Trim(" \t"u8).IsEmpty))
        {
            var (line, col) = Position(body, dataLines[0].Start);
            throw new HarnessInputException($"{file}:{line}:{col}", $"data of {ev} is empty; expected a JSON object");
        }

        // The usual frame has one data line: check it in place; several lines are joined with LF as the parser does.
        byte[]? joined = dataLines.Count > 1 ? SseFrames.DataBytes(body, dataLines) : null;
        if (joined is null && body.AsSpan(dataLines[0].Start, dataLines[0].Length).SequenceEqual("[DONE]"u8))
        {
            return; // the end marker of Chat Completions (and of gateways): the one data that is not JSON
        }

        try
        {
            var reader = new Utf8JsonReader(joined ?? body.AsSpan(dataLines[0].Start, dataLines[0].Length));
            while (reader.Read())
            {
            }
        }
        catch (JsonException ex)
        {
            int dataLine = (int)Math.Min(ex.LineNumber ?? 0, dataLines.Count - 1);
            int offset = dataLines[dataLine].Start + (int)(ex.BytePositionInLine ?? 0);
            var (line, col) = Position(body, offset);
            throw new HarnessInputException($"{file}:{line}:{col}", $"data of {ev} is not valid JSON: {HarnessInputException.JsonReason(ex)}");
        }
    }

    private static readonly System.Buffers.SearchValues<byte> TextBytes = System.Buffers.SearchValues.Create(
        [(byte)'\t', (byte)'\n', (byte)'\f', (byte)'\r', .. Enumerable.Range(0x20, 0xE0).Select(b => (byte)b)]);

    internal static int FirstInvalidUtf8(byte[] body)
    {
        var span = body.AsSpan();
        if (System.Text.Unicode.Utf8.IsValid(span))
        {
            return -1;
        }

        var scratch = new char[4096];
        int pos = 0;
        while (pos < span.Length)
        {
            var status = System.Text.Unicode.Utf8.ToUtf16(span[pos..], scratch, out int read, out _, replaceInvalidSequences: false);
            pos += read;
            if (status == System.Buffers.OperationStatus.InvalidData || status == System.Buffers.OperationStatus.NeedMoreData)
            {
                return pos;
            }
        }

        return -1;
    }

    /// <summary>1-based line and byte column of an offset; CRLF, CR and LF each end a line.</summary>
    internal static (int Line, int Column) Position(ReadOnlySpan<byte> body, int offset)
    {
        int line = 1, lineStart = 0;
        for (int i = 0; i < offset && i < body.Length; i++)
        {
            if (body[i] == '\n' || (body[i] == '\r' && (i + 1 >= body.Length || body[i + 1] != '\n')))
            {
                line++;
                lineStart = i + 1;
            }
        }

        return (line, offset - lineStart + 1);
    }
}
