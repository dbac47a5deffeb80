using Microsoft.Extensions.FileSystemGlobbing;
using TinyAgent.Harness.Recordings;

namespace TinyAgent.Harness.Config;

/// <summary>
/// The default suite (harness.json, harness.schema.json, recordings/) embedded in the assembly, so the tool works in a
/// folder that has none of it. Recordings are built from the resource bytes with the loader's own validation
/// (sidecar, body), not extracted to disk: nothing to keep in sync, no cache folder that may not be writable.
/// </summary>
internal static class EmbeddedSuite
{
    private const string Prefix = "suite/";

    /// <summary>What the summary and messages call a config that came from here.</summary>
    public const string DisplayName = "the embedded suite";

    public const string ConfigFile = "harness.json";
    public const string SchemaFile = "harness.schema.json";

    /// <summary>Every embedded file, as a path relative to the suite folder (<c>recordings/text-short.sse</c>), in ordinal order.</summary>
    public static IReadOnlyList<string> Files { get; } =
        [.. typeof(EmbeddedSuite).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal))
            .Select(n => n[Prefix.Length..])
            .Order(StringComparer.Ordinal)];

    /// <summary>The embedded recordings (<c>recordings/NAME.sse</c>, <c>recordings/openai/NAME.sse</c>).</summary>
    public static IReadOnlyList<string> RecordingFiles { get; } =
        [.. Files.Where(f => f.StartsWith("recordings/", StringComparison.Ordinal) && f.EndsWith(RecordingLoader.Extension, StringComparison.Ordinal))];

    public static byte[] Read(string relativePath)
    {
        using var stream = typeof(EmbeddedSuite).Assembly.GetManifestResourceStream(Prefix + relativePath)
            ?? throw new InvalidOperationException($"'{relativePath}' is not embedded in the harness"); // a build defect, not bad input
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>The embedded harness.json; relative paths in it (the report folder) resolve against <paramref name="workingDirectory"/>.</summary>
    public static HarnessConfig LoadConfig(string workingDirectory) =>
        ConfigLoader.Parse(Read(ConfigFile), ConfigFile, workingDirectory) with { Embedded = true };

    /// <summary>The embedded recordings a glob matches (relative to the suite folder, as in harness.json). Empty when none.</summary>
    public static IReadOnlyList<Recording> LoadGlob(string pattern)
    {
        var matcher = new Matcher(StringComparison.Ordinal);
        matcher.AddInclude(pattern.Replace('\\', '/'));
        var matched = matcher.Match("/", RecordingFiles.Select(f => "/" + f)).Files.Select(f => f.Path).ToHashSet(StringComparer.Ordinal);
        return [.. RecordingFiles.Where(matched.Contains).Select(Load)];
    }

    /// <summary>An embedded recording by name (<c>text-short</c>, <c>text-short.sse</c> or <c>recordings/text-short.sse</c>); null when none.</summary>
    public static Recording? Find(string nameOrPath)
    {
        string name = Path.GetFileName(nameOrPath.Replace('\\', '/'));
        name = name.EndsWith(RecordingLoader.Extension, StringComparison.Ordinal) ? name[..^RecordingLoader.Extension.Length] : name;
        string file = name + RecordingLoader.Extension;
        return RecordingFiles.FirstOrDefault(f => Path.GetFileName(f) == file) is { } found ? Load(found) : null;
    }

    /// <summary>Builds a recording as <see cref="RecordingLoader.Load"/> does from a file; its path is the suite-relative one.</summary>
    private static Recording Load(string file)
    {
        byte[] body = Read(file);
        string sidecar = RecordingLoader.SidecarPathFor(file);
        var meta = Files.Contains(sidecar) ? RecordingLoader.ParseSidecar(sidecar, Read(sidecar), body.Length) : RecordingMeta.Default;
        var derived = RecordingLoader.ValidateBody(file, body, meta.Status is >= 200 and < 300, meta.Format);
        string name = Path.GetFileName(file)[..^RecordingLoader.Extension.Length];
        var recording = new Recording(name, file, body, meta);
        return derived is var (layout, expected) ? recording.WithDerived(layout, expected) : recording;
    }
}
