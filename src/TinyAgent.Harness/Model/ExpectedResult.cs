namespace TinyAgent.Harness.Model;

/// <summary>One content block as a correct reader accumulates it.</summary>
/// <param name="Index">The block's <c>index</c>.</param>
/// <param name="Type">text, tool_use, thinking, redacted_thinking, or another type passed through.</param>
/// <param name="Text">text: the joined text deltas; tool_use: the joined <c>partial_json</c>; thinking: the joined thinking.</param>
internal sealed record ExpectedBlock(int Index, string Type, string Text);

/// <summary>What a correct client reads from a body: derived by the reference reader, never hand-written.</summary>
internal sealed record ExpectedResult(
    IReadOnlyList<ExpectedBlock> Blocks,
    string? StopReason,
    bool HasMessageStart,
    bool HasMessageStop,
    string? ErrorType,
    int TextDeltaCount,
    int EventCount)
{
    /// <summary>All text deltas joined, as a user of the client would see them.</summary>
    public string Text => string.Concat(Blocks.Where(b => b.Type == "text").Select(b => b.Text));

    /// <summary>The stream is a complete answer: it has <c>message_stop</c> and no error event.</summary>
    public bool IsComplete => HasMessageStop && ErrorType is null;
}
