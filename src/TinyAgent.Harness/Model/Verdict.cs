using System.Text.Json;

namespace TinyAgent.Harness.Model;

/// <summary>The concerns the harness judges. Names are the report keys.</summary>
internal static class Bugs
{
    /// <summary>Reads the unfaulted stream the way the reference reader does (judged on the control run).</summary>
    public const string Baseline = "baseline";
    public const string SplitPacket = "split-packet";
    public const string SilentTruncation = "silent-truncation";
    public const string GhostStream = "ghost-stream";
    public const string Stall = "stall";

    /// <summary>Retries an error status before the stream as the server asks, and delivers the answer.</summary>
    public const string Retry = "retry";

    /// <summary>Lossless variations real endpoints and gateways produce give the control answer.</summary>
    public const string WireVariants = "wire-variants";

    public static IReadOnlyList<string> All { get; } = [Baseline, SplitPacket, SilentTruncation, GhostStream, Stall, Retry, WireVariants];
}

internal enum Verdict
{
    NotExercised,
    Handled,
    NotHandled,
}

/// <summary>A judge's finding on one run: whether the run exercised the bug, and if so whether the client handled it.</summary>
/// <param name="Timing">The verdict rests on time (a hang, a late error, a late disconnect): it is confirmed by a run alone before it is reported.</param>
internal sealed record RunFinding(string Bug, Verdict Verdict, string Evidence, bool Timing = false)
{
    public static RunFinding NotExercised(string bug, string why) => new(bug, Verdict.NotExercised, why);
}

/// <summary>The one naming of enums at the edge: kebab-case (<c>not-handled</c>, <c>gave-up</c>), as every writer prints them.</summary>
internal static class EnumNames
{
    public static JsonNamingPolicy Policy { get; } = JsonNamingPolicy.KebabCaseLower;

    public static string ToName<T>(this T value) where T : struct, Enum => Policy.ConvertName(value.ToString());

    public static bool TryParse<T>(string name, out T value) where T : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<T>())
        {
            if (candidate.ToName() == name)
            {
                value = candidate;
                return true;
            }
        }

        value = default;
        return false;
    }
}
