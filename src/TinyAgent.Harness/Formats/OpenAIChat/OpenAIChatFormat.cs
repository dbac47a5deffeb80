using System.Text.Json;
using Microsoft.AspNetCore.Http;
using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Formats.OpenAIChat;

/// <summary>
/// OpenAI Chat Completions (WIRE-OPENAI.md), the format most other providers and local servers speak:
/// <c>POST /v1/chat/completions</c> with <c>Authorization: Bearer</c>, data-only SSE frames of
/// <c>chat.completion.chunk</c> ending with <c>data: [DONE]</c>, an <c>error</c> object inside a 200 stream (then
/// <c>[DONE]</c>, as vLLM ends it), SSE comments as keepalives.
/// </summary>
internal sealed class OpenAIChatFormat : IWireFormat
{
    public const string FormatName = "openai-chat";

    public string Name => FormatName;

    public string Path => "/v1/chat/completions";

    public string RequestIdHeader => "x-request-id";

    public string RequiredFields => "model and messages";

    /// <summary>A data-only frame (no <c>event:</c> line) holding a chunk, or an error object (a server that failed at once).</summary>
    public bool Recognizes(string? firstEventType, string firstData)
    {
        if (firstEventType is not (null or "message") || !firstData.TrimStart().StartsWith('{'))
        {
            return false;
        }

        try
        {
            using var doc = JsonDocument.Parse(firstData);
            var root = doc.RootElement;
            return root.ValueKind == JsonValueKind.Object && (root.TryGetProperty("choices", out _) || ChatJson.Error(root) is not null);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    public ApiError? CheckHeaders(HttpRequest request)
    {
        string authorization = request.Headers.Authorization.ToString();
        const string Scheme = "Bearer ";
        return authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase) && authorization.AsSpan(Scheme.Length).Trim().Length > 0
            ? null
            : ApiError.Authentication("You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).")
                with { Type = "invalid_request_error" };
    }

    public (bool Stream, ApiError? Error) CheckBody(JsonElement root) =>
        RequestFields.Check(root, "model", ("messages", RequestFields.Array));

    /// <summary>The API's shape; the request id travels in the <c>x-request-id</c> header only, as the API sends it.</summary>
    public byte[] ErrorBody(ApiError error, string requestId) => ChatErrors.Body(error);

    public ApiError ErrorForStatus(int status) => ChatErrors.ForStatus(status);

    public RateLimitHeaders RateLimits(bool limited, TimeSpan reset) => ChatErrors.RateLimits(limited, reset);

    public ExpectedResult Read(byte[] body) => ChatReader.Read(body);

    public string? CheckRecording(SseLayout layout, byte[] body)
    {
        var frames = SseFrames.EventFrames(body, layout);
        foreach (var frame in frames)
        {
            string data = SseFrames.Data(body, frame);
            if (data != ChatJson.Done && data.TrimStart().StartsWith('{'))
            {
                return null;
            }
        }

        string first = frames.Count == 0 ? "it has no data frames" : $"its first data is {SseFrames.Data(body, frames[0])}";
        return $"no chat.completion.chunk ({first}); a Chat Completions stream starts with a chunk or an error object";
    }

    public AssembledReply Assemble(ReadOnlyMemory<byte> body) => ChatAssembler.Assemble(body);

    public IReadOnlyList<WireEvent> Events(byte[] body, SseLayout layout) => ChatEvents.Classify(body, layout);

    public byte[] ErrorEnding(IReadOnlyList<WireEvent> before, byte[] body, string type, string message, string eol) =>
        ChatFaultFrames.ErrorEnding(type, message, eol);

    /// <summary>Chat Completions has no block ends: a cut tool call is simply never continued, so <paramref name="closeOpenBlocks"/> changes nothing.</summary>
    public byte[] LengthEnding(IReadOnlyList<WireEvent> before, byte[] body, int outputTokens, bool closeOpenBlocks, string eol) =>
        ChatFaultFrames.LengthEnding(before, body, eol);

    /// <summary>An SSE comment: what compatible servers send while nothing else comes (OpenRouter's <c>: OPENROUTER PROCESSING</c>).</summary>
    public byte[] Keepalive(string eol) => System.Text.Encoding.UTF8.GetBytes($": keep-alive{eol}{eol}");

    public IReadOnlyList<(int At, byte[] Bytes)> UnknownTypes(IReadOnlyList<WireEvent> events, byte[] body, int at, string eol) =>
        ChatFaultFrames.UnknownTypes(events, body, at, eol);

    public byte[] InvalidJsonFrame(string eol) => ChatFaultFrames.InvalidJsonFrame(eol);

    /// <summary>Every Chat Completions stream ends with <c>data: [DONE]</c> already: the done-marker fault has nothing to add.</summary>
    public byte[]? DoneMarker(string eol) => null;

    public SdkConventions Sdk { get; } = new("OPENAI_BASE_URL", "/v1", "OPENAI_API_KEY");

    public ProbeRequest Probe(string apiKey, string? model, string prompt) => new(
        [new("Authorization", "Bearer " + apiKey)],
        JsonSerializer.Serialize(new
        {
            model = model ?? "gpt-4o",
            stream = true,
            messages = new[] { new { role = "user", content = prompt } },
        }));
}
