using System.Text.Json;
using TinyAgent.Harness.Formats;
using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Recordings;

/// <summary>
/// The sidecar's schema, <c>NAME.meta.json</c>: <c>status</c> (100 to 599), <c>headers</c> (name to string value),
/// <c>timeline</c> (<c>{"offset","atMs"}</c> entries, ascending) and <c>format</c>; anything else is a one-line error.
/// </summary>
internal static class SidecarSchema
{
    /// <summary>Parses a sidecar; <paramref name="bodyLength"/> bounds the timeline's offsets.</summary>
    public static RecordingMeta Parse(string file, byte[] json, int bodyLength)
    {
        ArgumentNullException.ThrowIfNull(json);
        int bad = RecordingBodyCheck.FirstInvalidUtf8(json);
        if (bad >= 0)
        {
            var (line, col) = RecordingBodyCheck.Position(json, bad);
            throw new HarnessInputException($"{file}:{line}:{col}", $"sidecar is not valid UTF-8 (byte 0x{json[bad]:X2} at byte offset {bad})");
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            throw HarnessInputException.InJson(file, ex, "sidecar is not valid JSON");
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new HarnessInputException(file, $"sidecar must be a JSON object, not {Json.Kind(root)}");
            }

            int status = RecordingMeta.Default.Status;
            IReadOnlyList<KeyValuePair<string, string>> headers = RecordingMeta.Default.Headers;
            List<RecordedChunk>? timeline = null;
            string? format = null;
            foreach (var prop in root.EnumerateObject())
            {
                switch (prop.Name)
                {
                    case "status":
                        if (prop.Value.ValueKind != JsonValueKind.Number || !prop.Value.TryGetInt32(out status) || status is < 100 or > 599)
                        {
                            throw new HarnessInputException(file, $"field 'status' must be an integer from 100 to 599, not {Show(prop.Value)}");
                        }

                        break;
                    case "headers":
                        headers = ParseHeaders(file, prop.Value);
                        break;
                    case "timeline":
                        timeline = ParseTimeline(file, prop.Value, bodyLength);
                        break;
                    case "format":
                        format = prop.Value.ValueKind == JsonValueKind.String ? prop.Value.GetString() : null;
                        if (format is null || WireFormats.Find(format) is null)
                        {
                            throw new HarnessInputException(file, $"field 'format' must be one of {string.Join(", ", WireFormats.Names)}, not {Show(prop.Value)}");
                        }

                        break;
                    default:
                        throw new HarnessInputException(file, $"unknown field '{prop.Name}' (known: status, headers, timeline, format)");
                }
            }

            return new RecordingMeta(status, headers, timeline) { Format = format };
        }
    }

    private static List<KeyValuePair<string, string>> ParseHeaders(string file, JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new HarnessInputException(file, $"field 'headers' must be an object of name to string value, not {Show(value)}");
        }

        var headers = new List<KeyValuePair<string, string>>();
        foreach (var h in value.EnumerateObject())
        {
            if (h.Value.ValueKind != JsonValueKind.String)
            {
                throw new HarnessInputException(file, $"field 'headers.{h.Name}' must be a string, not {Show(h.Value)}");
            }

            if (h.Name.Length == 0 || h.Name.Any(c => c <= ' ' || c >= 0x7F || c == ':'))
            {
                throw new HarnessInputException(file, $"header name '{h.Name}' is not a valid HTTP header name");
            }

            headers.Add(new(h.Name, h.Value.GetString()!));
        }

        return headers;
    }

    private static List<RecordedChunk> ParseTimeline(string file, JsonElement value, int bodyLength)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new HarnessInputException(file, $"field 'timeline' must be an array of {{\"offset\",\"atMs\"}}, not {Show(value)}");
        }

        var chunks = new List<RecordedChunk>();
        int i = 0;
        foreach (var entry in value.EnumerateArray())
        {
            string at = $"timeline[{i}]";
            if (entry.ValueKind != JsonValueKind.Object)
            {
                throw new HarnessInputException(file, $"{at} must be an object {{\"offset\",\"atMs\"}}, not {Show(entry)}");
            }

            int? offset = null;
            double? atMs = null;
            foreach (var p in entry.EnumerateObject())
            {
                switch (p.Name)
                {
                    case "offset":
                        offset = p.Value.ValueKind == JsonValueKind.Number && p.Value.TryGetInt32(out int o) && o >= 0
                            ? o
                            : throw new HarnessInputException(file, $"{at}.offset must be a non-negative integer (bytes), not {Show(p.Value)}");
                        break;
                    case "atMs":
                        atMs = p.Value.ValueKind == JsonValueKind.Number && p.Value.TryGetDouble(out double ms) && ms >= 0 && double.IsFinite(ms)
                            ? ms
                            : throw new HarnessInputException(file, $"{at}.atMs must be a non-negative number (milliseconds), not {Show(p.Value)}");
                        break;
                    default:
                        throw new HarnessInputException(file, $"{at} has unknown field '{p.Name}' (known: offset, atMs)");
                }
            }

            if (offset is null || atMs is null)
            {
                throw new HarnessInputException(file, $"{at} is missing '{(offset is null ? "offset" : "atMs")}'");
            }

            if (i == 0 && offset != 0)
            {
                throw new HarnessInputException(file, $"timeline[0].offset must be 0, not {offset}");
            }

            if (i > 0 && offset <= chunks[^1].Offset)
            {
                throw new HarnessInputException(file, $"{at}.offset {offset} is not after timeline[{i - 1}].offset {chunks[^1].Offset}; offsets must ascend");
            }

            if (i > 0 && atMs < chunks[^1].AtMs)
            {
                throw new HarnessInputException(file, $"{at}.atMs {atMs} is before timeline[{i - 1}].atMs {chunks[^1].AtMs}; times must not go back");
            }

            if (offset >= bodyLength && bodyLength > 0)
            {
                throw new HarnessInputException(file, $"{at}.offset {offset} is at or beyond the body length {bodyLength}: sidecar contradicts body length");
            }

            chunks.Add(new RecordedChunk(offset.Value, atMs.Value));
            i++;
        }

        return chunks.Count > 0
            ? chunks
            : throw new HarnessInputException(file, "field 'timeline' is empty; omit it for one chunk per frame");
    }

    private static string Show(JsonElement e)
    {
        string raw = e.GetRawText();
        return e.ValueKind is JsonValueKind.Object or JsonValueKind.Array || raw.Length > 40
            ? Json.Kind(e)
            : $"{Json.Kind(e)} ({raw})";
    }
}
