using System.Text;

namespace TinyAgent.Harness.Library;

/// <summary>Whether a scenario exercised a bug, and if so whether the client handled it.</summary>
public enum BugVerdictKind
{
    /// <summary>The scenario did not put the client in the situation (e.g. no cut fell inside a frame).</summary>
    NotExercised,

    /// <summary>The client behaved correctly.</summary>
    Handled,

    /// <summary>The client showed the bug; the evidence says how.</summary>
    NotHandled,
}

/// <summary>One judge's verdict on one scenario.</summary>
/// <param name="Bug">The concern's name: <c>baseline</c>, <c>split-packet</c>, <c>silent-truncation</c>, <c>ghost-stream</c> or <c>stall</c>.</param>
/// <param name="Verdict">The verdict.</param>
/// <param name="Evidence">One line: what the client returned and what the server saw that decided it.</param>
public sealed record BugVerdict(string Bug, BugVerdictKind Verdict, string Evidence)
{
    /// <summary><c>split-packet: handled (...evidence...)</c>.</summary>
    public override string ToString() => $"{Bug}: {Name(Verdict)} ({Evidence})";

    internal static string Name(BugVerdictKind v) => v switch
    {
        BugVerdictKind.Handled => "handled",
        BugVerdictKind.NotHandled => "not-handled",
        _ => "not-exercised",
    };
}

/// <summary>The verdicts of every judge on one scenario, with what the server saw.</summary>
public sealed class ScenarioVerdicts
{
    private readonly Dictionary<string, BugVerdict> _byBug;

    internal ScenarioVerdicts(string scenario, IReadOnlyList<string> faults, IReadOnlyList<BugVerdict> verdicts, int requests, string clientSummary)
    {
        Scenario = scenario;
        Faults = faults;
        All = verdicts;
        Requests = requests;
        ClientSummary = clientSummary;
        _byBug = verdicts.ToDictionary(v => v.Bug, StringComparer.Ordinal);
    }

    /// <summary>The scenario's name, e.g. <c>text-short [split]</c>.</summary>
    public string Scenario { get; }

    /// <summary>The faults in canonical form, e.g. <c>random(min=1,max=48)</c>.</summary>
    public IReadOnlyList<string> Faults { get; }

    /// <summary>Every judge's verdict, in the order baseline, split-packet, silent-truncation, ghost-stream, stall.</summary>
    public IReadOnlyList<BugVerdict> All { get; }

    /// <summary>How many requests the client made to the scenario (retries make several).</summary>
    public int Requests { get; }

    /// <summary>What the client returned, as the judges read it (e.g. <c>failed, 12 chars of text, ...</c>).</summary>
    public string ClientSummary { get; }

    /// <summary>The verdict for a bug by name; throws <see cref="KeyNotFoundException"/> for an unknown name.</summary>
    public BugVerdict this[string bug] => _byBug.TryGetValue(bug, out var v)
        ? v
        : throw new KeyNotFoundException($"no judge named '{bug}' (known: {string.Join(", ", _byBug.Keys)})");

    /// <summary>The <c>baseline</c> verdict: judged on the control run that <see cref="HarnessSession.RunAsync"/> makes (not-exercised otherwise).</summary>
    public BugVerdict Baseline => this["baseline"];

    /// <summary>The <c>split-packet</c> verdict.</summary>
    public BugVerdict SplitPacket => this["split-packet"];

    /// <summary>The <c>silent-truncation</c> verdict.</summary>
    public BugVerdict SilentTruncation => this["silent-truncation"];

    /// <summary>The <c>ghost-stream</c> verdict.</summary>
    public BugVerdict GhostStream => this["ghost-stream"];

    /// <summary>The <c>stall</c> verdict.</summary>
    public BugVerdict Stall => this["stall"];

    /// <summary>True when no judge found a bug (every verdict is handled or not-exercised).</summary>
    public bool NoBugs => All.All(v => v.Verdict != BugVerdictKind.NotHandled);

    /// <summary>A multi-line description for assertion messages.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        sb.Append(Scenario).Append(": ").Append(Requests).Append(" request(s); client ").AppendLine(ClientSummary);
        foreach (var v in All)
        {
            sb.Append("  ").AppendLine(v.ToString());
        }

        return sb.ToString();
    }
}
