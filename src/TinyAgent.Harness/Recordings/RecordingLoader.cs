using Microsoft.Extensions.FileSystemGlobbing;
using TinyAgent.Harness.Formats;
using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Recordings;

/// <summary>
/// Loads <c>NAME.sse</c> (the body exactly as it came off the wire) and its optional <c>NAME.meta.json</c> sidecar,
/// and rejects anything a replay could not use with a one-line <see cref="HarnessInputException"/>: where it may be read
/// from is <see cref="RecordingPaths"/>, the body's checks <see cref="RecordingBodyCheck"/>, the sidecar's <see cref="SidecarSchema"/>.
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
            RecordingPaths.CheckInsideRoot(ssePath, full, rootFolder);
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
            ? SidecarSchema.Parse(sidecarShown, File.ReadAllBytes(sidecarPath), body.Length)
            : RecordingMeta.Default;
        var derived = RecordingBodyCheck.Validate(ssePath, body, meta.Status is >= 200 and < 300, meta.Format);
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

        RecordingPaths.CheckGlob(pattern, baseDirectory);

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

    /// <summary>Checks a body (<see cref="RecordingBodyCheck"/>).</summary>
    public static (SseLayout Layout, ExpectedResult Expected)? ValidateBody(string file, byte[] body, bool isStream = true, string? format = null) =>
        RecordingBodyCheck.Validate(file, body, isStream, format);

    /// <summary>Parses a sidecar (<see cref="SidecarSchema"/>); <paramref name="bodyLength"/> bounds the timeline's offsets.</summary>
    public static RecordingMeta ParseSidecar(string file, byte[] json, int bodyLength) => SidecarSchema.Parse(file, json, bodyLength);
}
