using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Recordings;

/// <summary>
/// Where a recording may be read from: a path given relative to a recordings folder, or a glob under it, stays inside
/// that folder, also after every symbolic link along it is followed.
/// </summary>
internal static class RecordingPaths
{
    /// <summary>Throws unless <paramref name="pattern"/> stays inside its folder: no <c>..</c> segment and no absolute path.</summary>
    public static void CheckGlob(string pattern, string baseDirectory)
    {
        // A glob never climbs out of its folder: '..' would let the matcher walk (and load from) the parent tree.
        if (Path.IsPathRooted(pattern) || pattern.Replace('\\', '/').Split('/').Contains(".."))
        {
            throw new HarnessInputException(pattern, $"a recordings glob must stay inside '{baseDirectory}' (no '..' and no absolute path)");
        }
    }

    public static void CheckInsideRoot(string shown, string full, string rootFolder)
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
}
