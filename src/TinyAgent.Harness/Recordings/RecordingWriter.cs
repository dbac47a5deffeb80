using System.Text;
using System.Text.Json;

using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Recordings;

/// <summary>
/// Writes <c>NAME.sse</c> and its <c>NAME.meta.json</c> sidecar, each atomically (a temporary file in the same
/// folder, then a rename), so a reader never sees a half-written recording.
/// </summary>
internal static class RecordingWriter
{
    /// <summary>Header values never saved: the server's always-secret names (credentials and cookies).</summary>
    private static readonly HeaderRedactor s_alwaysRedacted = new([]);

    private static long s_tempCounter;

    /// <summary>Writes the body, then the sidecar (skipped when <paramref name="meta"/> is null) with secret headers
    /// redacted (<see cref="HeaderRedactor"/>'s names plus <paramref name="redactHeaders"/>). Returns the sidecar path or null.</summary>
    public static string? Write(string ssePath, ReadOnlySpan<byte> body, RecordingMeta? meta, IEnumerable<string>? redactHeaders = null)
    {
        ArgumentNullException.ThrowIfNull(ssePath);
        if (!ssePath.EndsWith(RecordingLoader.Extension, StringComparison.OrdinalIgnoreCase))
        {
            throw new HarnessInputException(ssePath, $"a recording's file name must end with {RecordingLoader.Extension}");
        }

        WriteAtomically(ssePath, body);
        if (meta is null)
        {
            return null;
        }

        string sidecar = RecordingLoader.SidecarPathFor(ssePath);
        WriteAtomically(sidecar, SerializeMeta(Redact(meta, redactHeaders)));
        return sidecar;
    }

    /// <summary>The same meta with the values of secret headers replaced by <see cref="HeaderRedactor.Redacted"/>.</summary>
    public static RecordingMeta Redact(RecordingMeta meta, IEnumerable<string>? extraNames = null)
    {
        ArgumentNullException.ThrowIfNull(meta);
        var redactor = extraNames is null ? s_alwaysRedacted : new HeaderRedactor(extraNames);
        return meta.Headers.Any(h => redactor.IsSecret(h.Key))
            ? meta with { Headers = [.. meta.Headers.Select(h => redactor.IsSecret(h.Key) ? new KeyValuePair<string, string>(h.Key, HeaderRedactor.Redacted) : h)] }
            : meta;
    }

    /// <summary>The sidecar JSON: status, the format when one is named, headers, and the timeline with one chunk per line.</summary>
    public static byte[] SerializeMeta(RecordingMeta meta)
    {
        ArgumentNullException.ThrowIfNull(meta);
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteNumber("status", meta.Status);
            if (meta.Format is { } format)
            {
                w.WriteString("format", format);
            }

            w.WriteStartObject("headers");
            foreach (var (name, value) in meta.Headers)
            {
                // Credentials never reach a file, whoever built the meta (a recording proxy, a test, a user).
                w.WriteString(name, s_alwaysRedacted.IsSecret(name) ? HeaderRedactor.Redacted : value);
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        string head = Encoding.UTF8.GetString(ms.ToArray());
        if (meta.Timeline is not { Count: > 0 } timeline)
        {
            return Encoding.UTF8.GetBytes(head + "\n");
        }

        // Indented output would spend four lines per chunk; one line each keeps sidecars readable and diffable.
        var sb = new StringBuilder(head.Length + (timeline.Count * 32));
        sb.Append(head.AsSpan(0, head.LastIndexOf('}')).TrimEnd()).Append(",\n  \"timeline\": [\n");
        for (int i = 0; i < timeline.Count; i++)
        {
            sb.Append("    {\"offset\":").Append(timeline[i].Offset)
              .Append(",\"atMs\":").Append(timeline[i].AtMs.ToString("0.###", System.Globalization.CultureInfo.InvariantCulture))
              .Append(i + 1 < timeline.Count ? "},\n" : "}\n");
        }

        sb.Append("  ]\n}\n");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    /// <summary>Writes to a temporary file beside <paramref name="path"/>, flushes it to disk, then renames it over the target.</summary>
    public static void WriteAtomically(string path, ReadOnlySpan<byte> bytes)
    {
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        string temp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Interlocked.Increment(ref s_tempCounter)}.tmp");
        try
        {
            using (var fs = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                fs.Write(bytes);
                fs.Flush(flushToDisk: true);
            }

            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }
}
