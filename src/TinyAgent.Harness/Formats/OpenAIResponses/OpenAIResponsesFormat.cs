using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Formats.OpenAIResponses;

/// <summary>
/// OpenAI's Responses API (<c>../shared/WIRE-OPENAI.md</c> "Responses"): <c>POST /v1/responses</c>, typed events
/// (<c>event: response.output_text.delta</c> + data whose JSON repeats the type and carries <c>sequence_number</c>
/// from 0 up by one), ending with <c>response.completed</c>, <c>response.incomplete</c> or <c>response.failed</c>, or
/// an <c>event: error</c>; no <c>[DONE]</c>.
/// </summary>
internal sealed class OpenAIResponsesFormat : IWireFormat
{
    public string Name => "openai-responses";

    public string Path => "/v1/responses";

    public string RequestIdHeader => "x-request-id";

    public SdkConventions Sdk { get; } = new("OPENAI_BASE_URL", "/v1", "OPENAI_API_KEY");

    public ProbeRequest Probe(string apiKey, string? model, string prompt) => new(
        [new("Authorization", "Bearer " + apiKey)],
        JsonSerializer.Serialize(new { model = model ?? "gpt-4o", stream = true, input = prompt }));

    public string RequiredFields => "model and input";

    /// <summary>
    /// A Responses stream starts with a <c>response.*</c> event, or an <c>error</c> that carries <c>sequence_number</c>
    /// (Anthropic's has none); a gateway that drops the event lines still leaves the data's <c>type</c>.
    /// </summary>
    public bool Recognizes(string? firstEventType, string firstData)
    {
        if (firstEventType is not null && firstEventType.StartsWith("response.", StringComparison.Ordinal))
        {
            return true;
        }

        if (firstEventType is not (null or "message" or "error"))
        {
            return false;
        }

        var data = ResponsesJson.Parse(firstData);
        string? type = ResponsesJson.String(data, "type");
        return type is not null && (type.StartsWith("response.", StringComparison.Ordinal) || (type == "error" && data!.ContainsKey("sequence_number")));
    }

    /// <summary>The API wants <c>Authorization: Bearer &lt;key&gt;</c>; without one it answers 401 <c>invalid_request_error</c>.</summary>
    public ApiError? CheckHeaders(HttpRequest request)
    {
        string authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && authorization.AsSpan("Bearer ".Length).Trim().Length > 0
            ? null
            : new ApiError(StatusCodes.Status401Unauthorized, "invalid_request_error",
                "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).");
    }

    public (bool Stream, ApiError? Error) CheckBody(JsonElement root) =>
        RequestFields.Check(root, "model", ("input", RequestFields.StringOrArray));

    public byte[] ErrorBody(ApiError error, string requestId) => ResponsesErrors.Body(error); // the id travels in x-request-id only

    public ApiError ErrorForStatus(int status) => ResponsesErrors.ForStatus(status);

    /// <summary><c>x-ratelimit-{limit,remaining,reset}-{requests,tokens}</c>; resets are durations (<c>6ms</c>, <c>1s</c>, <c>6m0s</c>), so all are fixed.</summary>
    public RateLimitHeaders RateLimits(bool limited, TimeSpan reset)
    {
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var (bucket, limit, remaining) in new[] { ("requests", 10000, limited ? 0 : 9999), ("tokens", 30000000, limited ? 0 : 29999964) })
        {
            headers.Add(new($"x-ratelimit-limit-{bucket}", limit.ToString(CultureInfo.InvariantCulture)));
            headers.Add(new($"x-ratelimit-remaining-{bucket}", remaining.ToString(CultureInfo.InvariantCulture)));
            headers.Add(new($"x-ratelimit-reset-{bucket}", Duration(reset)));
        }

        return new RateLimitHeaders(headers, []);
    }

    /// <summary>A duration as the API writes one (Go's <c>time.Duration</c>): <c>12ms</c>, <c>1s</c>, <c>1.5s</c>, <c>6m0s</c>, <c>1h0m0s</c>.</summary>
    internal static string Duration(TimeSpan t)
    {
        if (t < TimeSpan.FromSeconds(1))
        {
            return t <= TimeSpan.Zero ? "0s" : $"{(long)t.TotalMilliseconds}ms";
        }

        string seconds = (t.Seconds + (t.Milliseconds / 1000.0)).ToString("0.###", CultureInfo.InvariantCulture) + "s";
        return t.TotalHours >= 1 ? $"{(long)t.TotalHours}h{t.Minutes}m{seconds}"
            : t.TotalMinutes >= 1 ? $"{t.Minutes}m{seconds}"
            : seconds;
    }

    public ExpectedResult Read(byte[] body) => ResponsesReader.Read(body);

    public string? CheckRecording(SseLayout layout, byte[] body)
    {
        // A request refused at the start can be a 200 whose first event is the error (WIRE-OPENAI.md "Error event").
        var first = layout.Frames.FirstOrDefault(f => f.Lines.Any(l => SseFrames.IsDataLine(body, l)));
        string? firstType = first is null ? null : first.EventType ?? ResponsesJson.String(ResponsesJson.Parse(SseFrames.Data(body, first)), "type");
        bool created = layout.Frames.Any(f => f.EventType == "response.created");
        return created || firstType == "error" ? null
            : $"no response.created event ({(firstType is null ? "it has no events" : $"the first event is '{firstType}'")}); a Responses stream starts with one or with an error event";
    }

    public AssembledReply Assemble(ReadOnlyMemory<byte> body) => ResponsesAssembler.Assemble(body);

    public IReadOnlyList<WireEvent> Events(byte[] body, SseLayout layout) =>
        [.. SseFrames.EventFrames(body, layout).Select(frame => Classify(frame, SseFrames.Data(body, frame)))];

    /// <summary>One event's kind; a <see cref="JsonDocument"/>, not a DOM: every plan classifies its body's events.</summary>
    private static WireEvent Classify(SseFrame frame, string data)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(data);
        }
        catch (JsonException)
        {
            return new WireEvent(frame, WireEventKind.Other); // [DONE] or garbage
        }

        using (doc)
        {
            var root = doc.RootElement;
            int? index = Json.Int(root, "output_index");
            return Json.String(root, "type") switch
            {
                "response.created" => new WireEvent(frame, WireEventKind.Start),
                "response.output_item.added" => new WireEvent(frame, WireEventKind.BlockStart, index,
                    Json.Object(root, "item") is { } item && Json.String(item, "type") is { } itemType ? ResponsesReader.BlockType(itemType) : null),
                "response.output_text.delta" => new WireEvent(frame, WireEventKind.TextDelta, index, "text", Json.String(root, "delta")),
                "response.function_call_arguments.delta" => new WireEvent(frame, WireEventKind.ToolDelta, index, "tool_use"),
                "response.reasoning_summary_text.delta" or "response.reasoning_text.delta" or "response.refusal.delta" => new WireEvent(frame, WireEventKind.OtherDelta, index),
                "response.output_item.done" => new WireEvent(frame, WireEventKind.BlockStop, index),

                // response.incomplete carries its finish (incomplete_details) and ends the reply, like response.completed: both are End.
                "response.completed" or "response.incomplete" => new WireEvent(frame, WireEventKind.End),
                "response.failed" or "error" => new WireEvent(frame, WireEventKind.Error),
                _ => new WireEvent(frame, WireEventKind.Other),
            };
        }
    }

    public byte[] ErrorEnding(IReadOnlyList<WireEvent> before, byte[] body, string type, string message, string eol) =>
        ResponsesEndings.Error(before, body, type, message, eol);

    public byte[] LengthEnding(IReadOnlyList<WireEvent> before, byte[] body, int outputTokens, bool closeOpenBlocks, string eol) =>
        ResponsesEndings.Length(before, body, outputTokens, closeOpenBlocks, eol);

    /// <summary>The API sends no keepalive event; proxies and compatible servers send comments.</summary>
    public byte[] Keepalive(string eol) => Encoding.UTF8.GetBytes($": keep-alive{eol}{eol}");

    /// <summary>
    /// Two event types the API does not send yet (it adds types often: WIRE-OPENAI.md "Unknown events"), after the first
    /// delta at or after <paramref name="at"/>: <c>response.future_event</c>, and <c>response.future_item_event</c> naming the
    /// open item and carrying a <c>delta</c> a client must not take for text. They are numbered on from the event before them;
    /// <see cref="UnknownTypeEdits"/> also renumbers the events after them.
    /// </summary>
    public IReadOnlyList<(int At, byte[] Bytes)> UnknownTypes(IReadOnlyList<WireEvent> events, byte[] body, int at, string eol)
    {
        var (where, inserted) = UnknownEvents(events, body, at, eol);
        return [(where, inserted.Bytes)];
    }

    /// <summary>The insertion of <see cref="UnknownTypes"/>, and the events after it renumbered so <c>sequence_number</c> stays consecutive.</summary>
    public IReadOnlyList<(int At, byte[] Bytes, int ResumeAt)> UnknownTypeEdits(IReadOnlyList<WireEvent> events, byte[] body, int at, string eol)
    {
        var (where, inserted) = UnknownEvents(events, body, at, eol);
        return [(where, inserted.Bytes, where), .. SequenceNumbers.Shift(events, body, where, inserted.Count)];
    }

    private static (int Where, (byte[] Bytes, int Count) Inserted) UnknownEvents(IReadOnlyList<WireEvent> events, byte[] body, int at, string eol)
    {
        var delta = events.FirstOrDefault(e => e.Frame.End >= at && e.Kind is WireEventKind.TextDelta or WireEventKind.ToolDelta or WireEventKind.OtherDelta && e.Block is not null);
        int where = delta?.Frame.End ?? at;
        long sequence = SequenceNumbers.Next([.. events.TakeWhile(e => e.Frame.End <= where)], body);
        var bytes = new List<byte>(SseFrames.Frame("response.future_event", ResponsesJson.Write(new JsonObject
        {
            ["type"] = "response.future_event",
            ["sequence_number"] = sequence,
            ["payload"] = new JsonObject { ["kind"] = "future_event_type" },
        }), eol));
        if (delta is null)
        {
            return (where, ([.. bytes], 1));
        }

        string? itemId = ResponsesJson.String(ResponsesJson.Parse(SseFrames.Data(body, delta.Frame)), "item_id");
        bytes.AddRange(SseFrames.Frame("response.future_item_event", ResponsesJson.Write(new JsonObject
        {
            ["type"] = "response.future_item_event",
            ["sequence_number"] = sequence + 1,
            ["item_id"] = itemId,
            ["output_index"] = delta.Block,
            ["delta"] = "ignore me",
        }), eol));
        return (where, ([.. bytes], 2));
    }

    /// <summary>A text delta whose JSON is cut off mid-string, before its <c>sequence_number</c> could be read.</summary>
    public byte[] InvalidJsonFrame(string eol) => Encoding.UTF8.GetBytes(
        $"event: response.output_text.delta{eol}data: {{\"type\":\"response.output_text.delta\",\"item_id\":\"msg_garbage\",\"output_index\":0,\"content_index\":0,\"delta\":\"unterminated{eol}{eol}");

    /// <summary>Captured streams have no <c>[DONE]</c>; gateways may add one after the end event (WIRE-OPENAI.md "Framing").</summary>
    public byte[]? DoneMarker(string eol) => Encoding.UTF8.GetBytes($"data: [DONE]{eol}{eol}");
}
