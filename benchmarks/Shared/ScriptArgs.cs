using System.Globalization;

namespace TinyAgent.BenchmarkSupport;

/// <summary>Argument and machine-state helpers the script-style benchmarks share (compiled into each of them).</summary>
internal static class ScriptArgs
{
    /// <summary>The value after <paramref name="name"/>, or null.</summary>
    public static string? Option(string[] args, string name)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    /// <summary>The integer after <paramref name="name"/> if it is at least <paramref name="min"/>; otherwise the fallback.</summary>
    public static int Option(string[] args, string name, int fallback, int min = 1) =>
        int.TryParse(Option(args, name), CultureInfo.InvariantCulture, out int value) && value >= min ? value : fallback;

    /// <summary>The 1, 5 and 15 minute load averages, printed beside every figure so a noisy machine shows.</summary>
    public static string LoadAverage()
    {
        try
        {
            return string.Join(" / ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "?";
        }
    }
}
