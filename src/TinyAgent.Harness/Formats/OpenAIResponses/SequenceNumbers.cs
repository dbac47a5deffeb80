using System.Globalization;
using System.Text;
using System.Text.Json;

namespace TinyAgent.Harness.Formats.OpenAIResponses;

/// <summary>
/// Every Responses event carries <c>sequence_number</c>, from 0 up by one (WIRE-OPENAI.md "Framing"). Events the
/// harness writes continue the count; events it inserts before others push their numbers up, digits rewritten in place.
/// </summary>
internal static class SequenceNumbers
{
    /// <summary>Where a frame's top-level <c>sequence_number</c> value is in the body, and its value; null when it has none.</summary>
    public static (int Start, int Length, long Value)? Locate(byte[] body, SseFrame frame)
    {
        var dataLines = frame.Lines.Where(l => SseFrames.IsDataLine(body, l)).ToList();
        if (dataLines.Count != 1)
        {
            return null; // data split over several lines: never seen from the API; its numbers are left alone
        }

        var line = dataLines[0];
        int start = SseFrames.DataValueStart(body, line);
        var json = body.AsSpan(start, line.Start + line.Length - start);
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool isSequence = reader.ValueTextEquals("sequence_number"u8);
                reader.Read();
                if (isSequence)
                {
                    return reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out long value)
                        ? (start + (int)reader.TokenStartIndex, reader.ValueSpan.Length, value)
                        : null;
                }

                reader.Skip();
            }
        }
        catch (JsonException)
        {
            // not JSON (a gateway's [DONE], garbage): no number
        }

        return null;
    }

    /// <summary>The number the next written event takes: one after the last numbered event of <paramref name="before"/>, 0 when none is numbered.</summary>
    public static long Next(IReadOnlyList<WireEvent> before, byte[] body)
    {
        for (int i = before.Count - 1; i >= 0; i--)
        {
            if (Locate(body, before[i].Frame) is { } found)
            {
                return found.Value + 1;
            }
        }

        return 0;
    }

    /// <summary>Edits that add <paramref name="shift"/> to the number of every event that starts at or after <paramref name="from"/>.</summary>
    public static IEnumerable<(int At, byte[] Bytes, int ResumeAt)> Shift(IReadOnlyList<WireEvent> events, byte[] body, int from, int shift)
    {
        foreach (var e in events.Where(e => e.Frame.Start >= from))
        {
            if (Locate(body, e.Frame) is { } found)
            {
                byte[] digits = Encoding.ASCII.GetBytes((found.Value + shift).ToString(CultureInfo.InvariantCulture));
                yield return (found.Start, digits, found.Start + found.Length);
            }
        }
    }
}
