using System.Text.Json;

namespace TinyAgent.Client;

/// <summary>One input turn: a role (<c>user</c> / <c>assistant</c>) and its text.</summary>
public sealed record InputMessage(string Role, string Content);

/// <summary>A Messages API request. <c>stream</c> is set by the call that sends it.</summary>
public sealed record MessageRequest
{
    /// <summary>Model name.</summary>
    public required string Model { get; init; }

    /// <summary>Upper bound on generated tokens.</summary>
    public required int MaxTokens { get; init; }

    /// <summary>The conversation so far.</summary>
    public required IReadOnlyList<InputMessage> Messages { get; init; }

    /// <summary>Optional system prompt.</summary>
    public string? System { get; init; }

    /// <summary>Optional stop sequences.</summary>
    public IReadOnlyList<string>? StopSequences { get; init; }

    /// <summary>Extra top-level JSON properties (tools, temperature, thinking, metadata...), written as given.</summary>
    public IReadOnlyDictionary<string, JsonElement>? Extra { get; init; }
}
