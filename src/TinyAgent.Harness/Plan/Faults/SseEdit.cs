using System.Text;
using System.Text.Json;
using TinyAgent.Harness.Recordings;

namespace TinyAgent.Harness.Plan.Faults;

/// <summary>Small helpers for faults that rewrite an event stream: find events, read their JSON, write frames in the body's own line ending.</summary>
internal static class SseEdit
{
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

    public static byte[] Frame(string eventType, string json, string eol) =>
        Encoding.UTF8.GetBytes($"event: {eventType}{eol}data: {json}{eol}{eol}");

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

    /// <summary>The JSON's <c>type</c>, <c>index</c> and <c>delta.type</c>, or nulls when the data is not such JSON.</summary>
    public static (string? Type, int? Index, string? DeltaType) TypeAndIndex(byte[] body, SseFrame frame)
    {
        try
        {
            using var doc = JsonDocument.Parse(Data(body, frame));
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (null, null, null);
            }

            string? type = root.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            int? index = root.TryGetProperty("index", out var i) && i.ValueKind == JsonValueKind.Number && i.TryGetInt32(out int n) ? n : null;
            string? deltaType = root.TryGetProperty("delta", out var d) && d.ValueKind == JsonValueKind.Object
                && d.TryGetProperty("type", out var dt) && dt.ValueKind == JsonValueKind.String ? dt.GetString() : null;
            return (type, index, deltaType);
        }
        catch (JsonException)
        {
            return (null, null, null);
        }
    }

    /// <summary>The text of a <c>text_delta</c> frame, or null for any other frame.</summary>
    public static string? TextDeltaText(byte[] body, SseFrame frame)
    {
        try
        {
            using var doc = JsonDocument.Parse(Data(body, frame));
            var root = doc.RootElement;
            return root.ValueKind == JsonValueKind.Object
                && root.TryGetProperty("type", out var t) && t.ValueEquals("content_block_delta"u8)
                && root.TryGetProperty("delta", out var d) && d.ValueKind == JsonValueKind.Object
                && d.TryGetProperty("type", out var dt) && dt.ValueEquals("text_delta"u8)
                && d.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String
                ? text.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary><paramref name="body"/> up to <paramref name="at"/>, then <paramref name="insert"/>, then the body from <paramref name="resumeAt"/> (or nothing when null).</summary>
    public static byte[] Splice(byte[] body, int at, ReadOnlySpan<byte> insert, int? resumeAt)
    {
        int rest = resumeAt is int r ? body.Length - r : 0;
        var result = new byte[at + insert.Length + rest];
        body.AsSpan(0, at).CopyTo(result);
        insert.CopyTo(result.AsSpan(at));
        if (resumeAt is int from)
        {
            body.AsSpan(from).CopyTo(result.AsSpan(at + insert.Length));
        }

        return result;
    }

    /// <summary>Offset just after the <paramref name="count"/>-th event (0: the start of the body), clamped to the events there are.</summary>
    public static int AfterEvents(IReadOnlyList<SseFrame> events, int count) =>
        count <= 0 || events.Count == 0 ? 0 : events[Math.Min(count, events.Count) - 1].End;
}
