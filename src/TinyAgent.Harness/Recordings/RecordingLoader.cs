using System.Text.Json;
using Microsoft.Extensions.FileSystemGlobbing;
using TinyAgent.Harness.Formats;
using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Recordings;

/// <summary>
/// Loads <c>NAME.sse</c> (the body exactly as it came off the wire) and its optional <c>NAME.meta.json</c> sidecar,
/// and rejects anything a replay could not use with a one-line <see cref="HarnessInputException"/>.
/// A stream that contains an <c>error</c> event or lacks <c>message_stop</c> is valid: that is part of the recording.
/// Positions are 1-based; columns count bytes.
/// </summary>
internal static class RecordingLoader
{
    public const string Extension = ".sse";
    public const string SidecarExtension = ".meta.json";

    /// <summary>Loads one recording. With <paramref name="rootFolder"/>, relative paths resolve against it and the
    /// file (after following symbolic links) must lie inside it.</summary>
    public static Recording Load(string ssePath, string? rootFolder = null)
    {
        ArgumentNullException.ThrowIfNull(ssePath);
        string full = rootFolder is not null && !Path.IsPathRooted(ssePath)
            ? Path.GetFullPath(Path.Combine(rootFolder, ssePath))
            : Path.GetFullPath(ssePath);
        if (rootFolder is not null)
        {
            CheckInsideRoot(ssePath, full, rootFolder);
        }

        if (!File.Exists(full))
        {
            throw new HarnessInputException(ssePath, "recording not found");
        }

        byte[] body = File.ReadAllBytes(full);
        if (body.Length == 0)
        {
            throw new HarnessInputException(ssePath, "recording is empty (0 bytes)"); // before the sidecar, whose offsets it would contradict
        }

        string sidecarPath = SidecarPathFor(full);
        string sidecarShown = SidecarPathFor(ssePath);
        var meta = File.Exists(sidecarPath)
            ? ParseSidecar(sidecarShown, File.ReadAllBytes(sidecarPath), body.Length)
            : RecordingMeta.Default;
        var derived = ValidateBody(ssePath, body, meta.Status is >= 200 and < 300, meta.Format);
        string name = Path.GetFileName(full);
        name = name.EndsWith(Extension, StringComparison.OrdinalIgnoreCase) ? name[..^Extension.Length] : name;
        var recording = new Recording(name, full, body, meta);
        return derived is var (layout, expected) ? recording.WithDerived(layout, expected) : recording;
    }

    /// <summary>Loads every <c>.sse</c> file matching a glob (<c>*</c>, <c>**</c>) under <paramref name="baseDirectory"/>,
    /// in ordinal path order; none may lie outside it. A pattern that matches nothing is an error.</summary>
    public static IReadOnlyList<Recording> LoadGlob(string pattern, string baseDirectory)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(baseDirectory);
        if (!Directory.Exists(baseDirectory))
        {
            throw new HarnessInputException(pattern, $"folder '{baseDirectory}' does not exist");
        }

        // A glob never climbs out of its folder: '..' would let the matcher walk (and load from) the parent tree.
        if (Path.IsPathRooted(pattern) || pattern.Replace('\\', '/').Split('/').Contains(".."))
        {
            throw new HarnessInputException(pattern, $"a recordings glob must stay inside '{baseDirectory}' (no '..' and no absolute path)");
        }

        var matcher = new Matcher(StringComparison.Ordinal);
        matcher.AddInclude(pattern);
        var files = matcher.GetResultsInFullPath(baseDirectory)
            .Where(f => f.EndsWith(Extension, StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .ToList();
        if (files.Count == 0)
        {
            throw new HarnessInputException(pattern, $"matches no {Extension} files under '{baseDirectory}'");
        }

        return [.. files.Select(f => Load(Path.GetRelativePath(baseDirectory, f), baseDirectory))];
    }

    /// <summary><c>dir/NAME.sse</c> becomes <c>dir/NAME.meta.json</c>.</summary>
    public static string SidecarPathFor(string ssePath) =>
        (ssePath.EndsWith(Extension, StringComparison.OrdinalIgnoreCase) ? ssePath[..^Extension.Length] : ssePath) + SidecarExtension;

    /// <summary>Checks a body and throws on the first problem. <paramref name="isStream"/>: a 2xx reply, so an event stream
    /// (then its layout and derived <see cref="ExpectedResult"/> are returned, so nothing parses it again; otherwise null).</summary>
    public static (SseLayout Layout, ExpectedResult Expected)? ValidateBody(string file, byte[] body, bool isStream = true, string? format = null)
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

        var wire = format is not null && Formats.WireFormats.Find(format) is { } named ? named : Formats.WireFormats.Detect(body);
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

    /// <summary>Parses a sidecar; <paramref name="bodyLength"/> bounds the timeline's offsets.</summary>
    public static RecordingMeta ParseSidecar(string file, byte[] json, int bodyLength)
    {
        ArgumentNullException.ThrowIfNull(json);
        int bad = FirstInvalidUtf8(json);
        if (bad >= 0)
        {
            var (line, col) = Position(json, bad);
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
                throw new HarnessInputException(file, $"sidecar must be a JSON object, not {Kind(root)}");
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
                        if (format is null || Formats.WireFormats.Find(format) is null)
                        {
                            throw new HarnessInputException(file, $"field 'format' must be one of {string.Join(", ", Formats.WireFormats.Names)}, not {Show(prop.Value)}");
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

    private static void CheckFrameJson(string file, byte[] body, SseFrame frame)
    {
        var dataLines = new List<(int Start, int Length)>();
        foreach (var line in frame.Lines)
        {
            var text = body.AsSpan(line.Start, line.Length);
            if (text.StartsWith("data:"u8))
            {
                int skip = text.Length > 5 && text[5] == (byte)' ' ? 6 : 5;
                dataLines.Add((line.Start + skip, line.Length - skip));
            }
            else if (text.SequenceEqual("data"u8))
            {
                dataLines.Add((line.Start + 4, 0));
            }
        }

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
        byte[]? joined = null;
        if (dataLines.Count > 1)
        {
            var data = new List<byte>();
            foreach (var (start, length) in dataLines)
            {
                if (data.Count > 0)
                {
                    data.Add((byte)'\n');
                }

                data.AddRange(body.AsSpan(start, length));
            }

            joined = [.. data];
        }

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

    private static void CheckInsideRoot(string shown, string full, string rootFolder)
    {
        if (!IsUnder(full, Path.GetFullPath(rootFolder)))
        {
            throw new HarnessInputException(shown, $"path is outside the recordings folder '{rootFolder}'");
        }

        if (!IsUnder(RealPath(full), RealPath(Path.GetFullPath(rootFolder))))
        {
            throw new HarnessInputException(shown, $"symbolic link leads outside the recordings folder '{rootFolder}'");
        }
    }

    private static bool IsUnder(string path, string root) =>
        path.StartsWith(Path.EndsInDirectorySeparator(root) ? root : root + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    /// <summary>The path with every symbolic link along it followed (missing parts are kept as written).</summary>
    private static string RealPath(string fullPath)
    {
        string? rootPart = Path.GetPathRoot(fullPath);
        string current = rootPart ?? string.Empty;
        var parts = fullPath[current.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries);
        for (int i = 0; i < parts.Length; i++)
        {
            current = Path.Combine(current, parts[i]);
            FileSystemInfo info = Directory.Exists(current) ? new DirectoryInfo(current) : new FileInfo(current);
            if (info.Exists && info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is { } target)
            {
                current = RealPath(Path.GetFullPath(target.FullName));
            }
        }

        return current;
    }

    private static readonly System.Buffers.SearchValues<byte> TextBytes = System.Buffers.SearchValues.Create(
        [(byte)'\t', (byte)'\n', (byte)'\f', (byte)'\r', .. Enumerable.Range(0x20, 0xE0).Select(b => (byte)b)]);

    private static int FirstInvalidUtf8(byte[] body)
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

    private static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    private static string Show(JsonElement e)
    {
        string raw = e.GetRawText();
        return e.ValueKind is JsonValueKind.Object or JsonValueKind.Array || raw.Length > 40
            ? Kind(e)
            : $"{Kind(e)} ({raw})";
    }
}
