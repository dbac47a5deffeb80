using System.Text.Json;
using System.Text.Json.Serialization;

namespace TinyAgent.Client.Internal;

internal sealed class WireRequest
{
    public required string Model { get; init; }
    public int MaxTokens { get; init; }
    public required List<WireInputMessage> Messages { get; init; }
    public string? System { get; init; }
    public List<string>? StopSequences { get; init; }
    public bool? Stream { get; init; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; set; }
}

internal sealed record WireInputMessage(string Role, string Content);

internal sealed class WireUsage
{
    public long? InputTokens { get; init; }
    public long? OutputTokens { get; init; }
    public long? CacheCreationInputTokens { get; init; }
    public long? CacheReadInputTokens { get; init; }
    public string? ServiceTier { get; init; }
}

internal sealed class WireMessage
{
    public string? Id { get; init; }
    public string? Type { get; init; }
    public string? Role { get; init; }
    public string? Model { get; init; }
    public List<JsonElement>? Content { get; init; }
    public string? StopReason { get; init; }
    public string? StopSequence { get; init; }
    public WireUsage? Usage { get; init; }
}

internal sealed class WireMessageStart
{
    public WireMessage? Message { get; init; }
}

internal sealed class WireStopDelta
{
    public string? StopReason { get; init; }
    public string? StopSequence { get; init; }
}

internal sealed class WireMessageDelta
{
    public WireStopDelta? Delta { get; init; }
    public WireUsage? Usage { get; init; }
}

internal sealed class WireError
{
    public string? Type { get; init; }
    public string? Message { get; init; }
}

internal sealed class WireErrorEnvelope
{
    public WireError? Error { get; init; }
    public string? RequestId { get; init; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(WireRequest))]
[JsonSerializable(typeof(WireMessage))]
[JsonSerializable(typeof(WireMessageStart))]
[JsonSerializable(typeof(WireMessageDelta))]
[JsonSerializable(typeof(WireErrorEnvelope))]
internal sealed partial class WireJsonContext : JsonSerializerContext;
