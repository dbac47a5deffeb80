using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Formats.Anthropic;

/// <summary>
/// The Anthropic Messages API (<c>../shared/WIRE.md</c>): <c>POST /v1/messages</c>, named events
/// (<c>message_start</c> ... <c>message_stop</c>), <c>ping</c> keepalives, <c>event: error</c> inside a 200 stream.
/// </summary>
internal sealed class AnthropicFormat : IWireFormat
{
    /// <summary>Versions the API documents; later dated ones are accepted too (see <see cref="IsLaterDatedVersion"/>).</summary>
    private static readonly HashSet<string> s_versions = new(["2023-06-01", "2023-01-01"], StringComparer.Ordinal);

    public string Name => "anthropic";

    public string Path => "/v1/messages";

    public string RequestIdHeader => "request-id";

    public string RequiredFields => "model, max_tokens and messages";

    /// <summary>A Messages stream starts with <c>message_start</c>, a <c>ping</c>, or an <c>error</c> in the flat shape (no <c>sequence_number</c>).</summary>
    public bool Recognizes(string? firstEventType, string firstData) => firstEventType switch
    {
        "message_start" or "ping" => true,
        "error" => !firstData.Contains("\"sequence_number\"", StringComparison.Ordinal),
        _ => false,
    };

    public ApiError? CheckHeaders(HttpRequest request)
    {
        string key = request.Headers["x-api-key"].ToString();
        string authorization = request.Headers.Authorization.ToString();
        bool bearer = authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && authorization.Length > "Bearer ".Length;
        if (key.Length == 0 && !bearer)
        {
            return ApiError.Authentication("x-api-key header is required (or authorization: Bearer <token>).");
        }

        string version = request.Headers["anthropic-version"].ToString();
        if (version.Length == 0)
        {
            return ApiError.InvalidRequest("anthropic-version: header is required.");
        }

        return s_versions.Contains(version) || IsLaterDatedVersion(version)
            ? null
            : ApiError.InvalidRequest($"anthropic-version: unknown version '{version}'.");
    }

    /// <summary>
    /// Current SDKs send newer dated versions than the ones listed (the official .NET and TypeScript SDKs send
    /// e.g. 2026-10-21); any yyyy-MM-dd from 2023-01-01 on is accepted so real clients reach the stream.
    /// </summary>
    internal static bool IsLaterDatedVersion(string version) =>
        DateOnly.TryParseExact(version, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
        && date >= new DateOnly(2023, 1, 1);

    public (bool Stream, ApiError? Error) CheckBody(JsonElement root) =>
        RequestFields.Check(root, "model", ("max_tokens", RequestFields.PositiveInteger), ("messages", RequestFields.Array));

    public byte[] ErrorBody(ApiError error, string requestId)
    {
        using var buffer = new MemoryStream(128);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("type", "error");
            json.WriteStartObject("error");
            json.WriteString("type", error.Type);
            json.WriteString("message", error.Message);
            json.WriteEndObject();
            json.WriteString("request_id", requestId);
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    public ApiError ErrorForStatus(int status) => ApiError.ForStatus(status);

    public RateLimitHeaders RateLimits(bool limited, TimeSpan reset)
    {
        var fixedHeaders = new List<KeyValuePair<string, string>>();
        var moments = new List<KeyValuePair<string, TimeSpan>>();
        foreach (var (bucket, limit, remaining) in new[]
        {
            ("requests", 50, limited ? 0 : 49),
            ("tokens", 80000, limited ? 0 : 79000),
            ("input-tokens", 40000, limited ? 0 : 39500),
            ("output-tokens", 16000, limited ? 0 : 15500),
        })
        {
            fixedHeaders.Add(new($"anthropic-ratelimit-{bucket}-limit", limit.ToString(CultureInfo.InvariantCulture)));
            fixedHeaders.Add(new($"anthropic-ratelimit-{bucket}-remaining", remaining.ToString(CultureInfo.InvariantCulture)));
            moments.Add(new($"anthropic-ratelimit-{bucket}-reset", reset));
        }

        return new RateLimitHeaders(fixedHeaders, moments);
    }

    public ExpectedResult Read(byte[] body) => AnthropicReader.Read(body);

    public string? CheckRecording(SseLayout layout, byte[] body)
    {
        // Overloaded at the start, the API answers 200 with an error event and nothing else (WIRE.md): a real stream.
        bool sawStart = layout.Frames.Any(f => f.EventType == "message_start");
        bool errorFirst = layout.Frames.FirstOrDefault(f => f.EventType is not null and not "ping")?.EventType == "error";
        if (sawStart || errorFirst)
        {
            return null;
        }

        string first = layout.Frames.FirstOrDefault(f => f.EventType is not null)?.EventType is { } t ? $"the first event is '{t}'" : "it has no events";
        return $"no message_start event ({first}); a Messages stream starts with one or with an error event";
    }

    public AssembledReply Assemble(ReadOnlyMemory<byte> body)
    {
        var assembled = MessageAssembler.Assemble(body);
        return assembled.Message is null
            ? new AssembledReply(null, new ApiError(ApiError.StatusFor(assembled.ErrorType!), assembled.ErrorType!, assembled.ErrorMessage ?? ""))
            : new AssembledReply(assembled.ToJson(), null);
    }

    public IReadOnlyList<WireEvent> Events(byte[] body, SseLayout layout)
    {
        var events = new List<WireEvent>();
        foreach (var frame in SseFrames.EventFrames(body, layout))
        {
            events.Add(Classify(frame, SseFrames.Data(body, frame)));
        }

        return events;
    }

    private static WireEvent Classify(SseFrame frame, string data)
    {
        try
        {
            using var doc = JsonDocument.Parse(data);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return new WireEvent(frame, WireEventKind.Other);
            }

            string? type = Json.String(root, "type");
            int? index = Json.Int(root, "index");
            return type switch
            {
                "message_start" => new WireEvent(frame, WireEventKind.Start),
                "content_block_start" => new WireEvent(frame, WireEventKind.BlockStart, index,
                    root.TryGetProperty("content_block", out var block) && block.ValueKind == JsonValueKind.Object ? Json.String(block, "type") : null),
                "content_block_delta" => Delta(frame, index, root),
                "content_block_stop" => new WireEvent(frame, WireEventKind.BlockStop, index),
                "message_delta" => new WireEvent(frame, WireEventKind.Finish),
                "message_stop" => new WireEvent(frame, WireEventKind.End),
                "error" => new WireEvent(frame, WireEventKind.Error),
                "ping" => new WireEvent(frame, WireEventKind.Keepalive),
                _ => new WireEvent(frame, WireEventKind.Other),
            };
        }
        catch (JsonException)
        {
            return new WireEvent(frame, WireEventKind.Other); // [DONE] or garbage
        }
    }

    private static WireEvent Delta(SseFrame frame, int? index, JsonElement root)
    {
        var delta = root.TryGetProperty("delta", out var d) && d.ValueKind == JsonValueKind.Object ? d : default;
        string? deltaType = delta.ValueKind == JsonValueKind.Object ? Json.String(delta, "type") : null;
        return deltaType switch
        {
            "text_delta" => new WireEvent(frame, WireEventKind.TextDelta, index, "text", Json.String(delta, "text")),
            "input_json_delta" => new WireEvent(frame, WireEventKind.ToolDelta, index, "tool_use"),
            _ => new WireEvent(frame, WireEventKind.OtherDelta, index),
        };
    }

    public byte[] ErrorEnding(IReadOnlyList<WireEvent> before, byte[] body, string type, string message, string eol)
    {
        string json = JsonSerializer.Serialize(new { type = "error", error = new { type, message } });
        return SseFrames.Frame("error", json, eol);
    }

    public byte[] LengthEnding(IReadOnlyList<WireEvent> before, byte[] body, int outputTokens, bool closeOpenBlocks, string eol)
    {
        var ending = new List<byte>();
        if (closeOpenBlocks)
        {
            var open = new SortedSet<int>();
            foreach (var e in before)
            {
                if (e is { Kind: WireEventKind.BlockStart, Block: int started })
                {
                    open.Add(started);
                }
                else if (e is { Kind: WireEventKind.BlockStop, Block: int stopped })
                {
                    open.Remove(stopped);
                }
            }

            foreach (int index in open)
            {
                ending.AddRange(SseFrames.Frame("content_block_stop", $"{{\"type\":\"content_block_stop\",\"index\":{index}}}", eol));
            }
        }

        ending.AddRange(SseFrames.Frame(
            "message_delta",
            $"{{\"type\":\"message_delta\",\"delta\":{{\"stop_reason\":\"max_tokens\",\"stop_sequence\":null}},\"usage\":{{\"output_tokens\":{outputTokens}}}}}",
            eol));
        ending.AddRange(SseFrames.Frame("message_stop", "{\"type\":\"message_stop\"}", eol));
        return [.. ending];
    }

    public byte[] Keepalive(string eol) => SseFrames.Frame("ping", "{\"type\": \"ping\"}", eol);

    /// <summary>A future event type, and a future delta type inside the first block delta at or after <paramref name="at"/>.</summary>
    public IReadOnlyList<(int At, byte[] Bytes)> UnknownTypes(IReadOnlyList<WireEvent> events, byte[] body, int at, string eol)
    {
        var delta = events.FirstOrDefault(e => e.Frame.End >= at && e.Kind is WireEventKind.TextDelta or WireEventKind.ToolDelta or WireEventKind.OtherDelta && e.Block is not null);
        int where = delta?.Frame.End ?? at;
        var insert = new List<byte>(SseFrames.Frame("message_annotation", "{\"type\":\"message_annotation\",\"annotation\":{\"kind\":\"future_event_type\"}}", eol));
        if (delta is not null)
        {
            insert.AddRange(SseFrames.Frame(
                "content_block_delta",
                $"{{\"type\":\"content_block_delta\",\"index\":{delta.Block},\"delta\":{{\"type\":\"future_delta\",\"payload\":\"ignore me\"}}}}",
                eol));
        }

        return [(where, [.. insert])];
    }

    public byte[] InvalidJsonFrame(string eol) => Encoding.UTF8.GetBytes(
        $"event: content_block_delta{eol}data: {{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{{\"type\":\"text_delta\",\"text\":\"unterminated{eol}{eol}");

    public byte[]? DoneMarker(string eol) => Encoding.UTF8.GetBytes($"data: [DONE]{eol}{eol}");

    public SdkConventions Sdk { get; } = new("ANTHROPIC_BASE_URL", "", "ANTHROPIC_API_KEY");

    public ProbeRequest Probe(string apiKey, string? model, string prompt) => new(
        [new("x-api-key", apiKey), new("anthropic-version", "2023-06-01")],
        JsonSerializer.Serialize(new
        {
            model = model ?? "claude-sonnet-4-5",
            max_tokens = 512,
            stream = true,
            messages = new[] { new { role = "user", content = prompt } },
        }));
}
