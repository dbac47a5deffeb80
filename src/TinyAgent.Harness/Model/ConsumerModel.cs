namespace TinyAgent.Harness.Model;

/// <summary>How the consumer of a client behaves in a run.</summary>
/// <param name="GiveUpAfterDeltas">null: read everything; N: stop after N text deltas (the user navigated away) while the process keeps running.</param>
internal sealed record ConsumerModel(string Name, int? GiveUpAfterDeltas)
{
    public static ConsumerModel ReadAll { get; } = new("read-all", null);
}
