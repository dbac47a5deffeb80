namespace TinyAgent.Harness.Model;

/// <summary>The bugs (concerns) the harness judges. Names are the report keys.</summary>
internal static class Bugs
{
    public const string SplitPacket = "split-packet";
    public const string SilentTruncation = "silent-truncation";
    public const string GhostStream = "ghost-stream";
    public const string Stall = "stall";

    public static IReadOnlyList<string> All { get; } = [SplitPacket, SilentTruncation, GhostStream, Stall];
}

internal enum Verdict
{
    NotExercised,
    Handled,
    NotHandled,
}

/// <summary>A judge's finding on one run: whether the run exercised the bug, and if so whether the client handled it.</summary>
internal sealed record RunFinding(string Bug, Verdict Verdict, string Evidence)
{
    public static RunFinding NotExercised(string bug, string why) => new(bug, Verdict.NotExercised, why);
}

internal static class VerdictNames
{
    public static string ToName(this Verdict v) => v switch
    {
        Verdict.Handled => "handled",
        Verdict.NotHandled => "not-handled",
        _ => "not-exercised",
    };

    public static bool TryParse(string name, out Verdict verdict)
    {
        verdict = name switch
        {
            "handled" => Verdict.Handled,
            "not-handled" => Verdict.NotHandled,
            "not-exercised" => Verdict.NotExercised,
            _ => (Verdict)(-1),
        };
        return (int)verdict >= 0;
    }
}
