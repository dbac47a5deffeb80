using System.Text.Json;

namespace TinyAgent.Client;

/// <summary>Token counts; <c>message_delta</c> counts are cumulative and replace earlier ones.</summary>
public sealed record Usage(
    long InputTokens,
    long OutputTokens,
    long? CacheCreationInputTokens = null,
    long? CacheReadInputTokens = null,
    string? ServiceTier = null);

/// <summary>A content block of a <see cref="Message"/>.</summary>
public abstract record ContentBlock(string Type);

/// <summary>Text, with any citations as raw JSON.</summary>
public sealed record TextBlock(string Text, IReadOnlyList<JsonElement>? Citations = null) : ContentBlock("text");

/// <summary><c>tool_use</c> or <c>server_tool_use</c>: <paramref name="Input"/> is parsed once the block is complete;
/// <paramref name="InputJson"/> is the raw concatenation of the <c>input_json_delta</c> pieces.</summary>
public sealed record ToolUseBlock(string Type, string Id, string Name, JsonElement Input, string InputJson) : ContentBlock(Type);

/// <summary>Extended thinking with its signature.</summary>
public sealed record ThinkingBlock(string Thinking, string Signature) : ContentBlock("thinking");

/// <summary>Redacted thinking (arrives whole).</summary>
public sealed record RedactedThinkingBlock(string Data) : ContentBlock("redacted_thinking");

/// <summary>Any other block type, kept as raw JSON.</summary>
public sealed record RawContentBlock(string Type, JsonElement Json) : ContentBlock(Type);

/// <summary>An assistant message, complete or partial.</summary>
public sealed record Message
{
    /// <summary><c>msg_...</c></summary>
    public required string Id { get; init; }

    /// <summary>Model that answered.</summary>
    public required string Model { get; init; }

    /// <summary>Always <c>assistant</c> on the wire.</summary>
    public required string Role { get; init; }

    /// <summary>Content blocks in index order.</summary>
    public required IReadOnlyList<ContentBlock> Content { get; init; }

    /// <summary>Why generation stopped; null until <c>message_delta</c> arrives.</summary>
    public string? StopReason { get; init; }

    /// <summary>The stop sequence hit, if any.</summary>
    public string? StopSequence { get; init; }

    /// <summary>Token usage (cumulative).</summary>
    public required Usage Usage { get; init; }

    /// <summary>The <c>request-id</c> response header.</summary>
    public string? RequestId { get; init; }

    /// <summary>True when the stream reached <c>message_stop</c> (or a non-streaming reply was read whole).</summary>
    public bool IsComplete { get; init; }

    /// <summary>True when the model was cut off by <c>max_tokens</c>: the text is not a whole answer.</summary>
    public bool IsTruncatedByMaxTokens => StopReason == "max_tokens";

    /// <summary>Concatenation of all text blocks.</summary>
    public string Text => string.Concat(Content.OfType<TextBlock>().Select(b => b.Text));
}
