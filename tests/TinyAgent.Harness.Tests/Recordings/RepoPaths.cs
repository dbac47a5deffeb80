namespace TinyAgent.Harness.Tests.Recordings;

/// <summary>Finds the repository from the test's output folder: the folder holding TinyAgent.slnx.</summary>
internal static class RepoPaths
{
    private static readonly Lazy<string> Root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TinyAgent.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"no TinyAgent.slnx above {AppContext.BaseDirectory}");
    });

    public static string RepoRoot => Root.Value;

    public static string RecordingsFolder => Path.Combine(RepoRoot, "recordings");

    /// <summary>In ordinal order of the file names, as the loader's globs return them ("refusal-details.sse" before "refusal.sse").</summary>
    public static IEnumerable<string> BundledNames() =>
        Directory.EnumerateFiles(RecordingsFolder, "*.sse").Select(Path.GetFileName).Order(StringComparer.Ordinal).Select(Path.GetFileNameWithoutExtension)!;
}

/// <summary>A temporary folder deleted on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "tah-rec-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
