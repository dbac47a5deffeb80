using System.Text.Json;
using Microsoft.AspNetCore.Http;
using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Formats;

/// <summary>
/// One provider's wire format: everything in the harness that knows how its requests, streams and errors look.
/// Recordings, plans, faults and the server ask the format; judges never do (they see <see cref="ExpectedResult"/>).
/// Adding a format costs one folder beside <c>Anthropic/</c>, one line in <see cref="WireFormats.All"/>, its recordings
/// and its tests.
/// </summary>
internal interface IWireFormat
{
    /// <summary>The name in harness.json (<c>clients[].format</c>), in a sidecar's <c>format</c>, and in reports, e.g. <c>openai-chat</c>.</summary>
    string Name { get; }

    /// <summary>The route after the base URL (or after <c>/s/{scenario}</c>), e.g. <c>/v1/messages</c>.</summary>
    string Path { get; }

    /// <summary>The response header that carries the request id (<c>request-id</c>, <c>x-request-id</c>).</summary>
    string RequestIdHeader { get; }

    /// <summary>True when a body's first event is this format's (used when a recording's sidecar names no format).</summary>
    bool Recognizes(string? firstEventType, string firstData);

    /// <summary>The API's checks on headers (auth, version); null when they pass.</summary>
    ApiError? CheckHeaders(HttpRequest request);

    /// <summary>The fields a request body needs, for error messages: <c>model, max_tokens and messages</c>.</summary>
    string RequiredFields { get; }

    /// <summary>The API's checks on the parsed JSON body; returns whether it asked for a stream, or the error to answer.</summary>
    (bool Stream, ApiError? Error) CheckBody(JsonElement root);

    /// <summary>An error answered instead of a reply, in the API's JSON shape.</summary>
    byte[] ErrorBody(ApiError error, string requestId);

    /// <summary>The documented error for an HTTP status (type and a fitting message).</summary>
    ApiError ErrorForStatus(int status);

    /// <summary>Rate-limit headers of a reply: fixed ones, and resets that are moments in time (written when sent).</summary>
    RateLimitHeaders RateLimits(bool limited, TimeSpan reset);

    /// <summary>
    /// The reference reader: what a correct client reads from a body. Throws <see cref="HarnessInputException"/>
    /// naming the event and what is wrong when the body is not this format.
    /// </summary>
    ExpectedResult Read(byte[] body);

    /// <summary>Why a whole recording is not a stream of this format (e.g. no start event), or null; checked before <see cref="Read"/>.</summary>
    string? CheckRecording(SseLayout layout, byte[] body);

    /// <summary>The whole reply for <c>"stream": false</c>, assembled from a stream body.</summary>
    AssembledReply Assemble(ReadOnlyMemory<byte> body);

    /// <summary>Every dispatched event of a body (frames with a data line), classified.</summary>
    IReadOnlyList<WireEvent> Events(byte[] body, SseLayout layout);

    /// <summary>The frames that end a stream with an error, as the API (or compatible servers) end it.</summary>
    byte[] ErrorEnding(IReadOnlyList<WireEvent> before, byte[] body, string type, string message, string eol);

    /// <summary>
    /// The frames that end a stream early and well-formed because the output limit was hit, after <paramref name="before"/>
    /// (the events kept). <paramref name="closeOpenBlocks"/> false leaves the block being written open (a cut tool call).
    /// </summary>
    byte[] LengthEnding(IReadOnlyList<WireEvent> before, byte[] body, int outputTokens, bool closeOpenBlocks, string eol);

    /// <summary>A keepalive frame the format's servers send while nothing else comes.</summary>
    byte[] Keepalive(string eol);

    /// <summary>Lossless insertions a correct client ignores: unknown event, delta or field types. Offsets are body offsets.</summary>
    IReadOnlyList<(int At, byte[] Bytes)> UnknownTypes(IReadOnlyList<WireEvent> events, byte[] body, int at, string eol);

    /// <summary>
    /// The edits that make <see cref="UnknownTypes"/>' insertions (<c>ResumeAt == At</c>), plus those a format with numbered
    /// events needs to keep its numbering (Responses rewrites each later <c>sequence_number</c>: <c>ResumeAt</c> past the old digits).
    /// </summary>
    IReadOnlyList<(int At, byte[] Bytes, int ResumeAt)> UnknownTypeEdits(IReadOnlyList<WireEvent> events, byte[] body, int at, string eol) =>
        [.. UnknownTypes(events, body, at, eol).Select(u => (u.At, u.Bytes, u.At))];

    /// <summary>A frame whose data is cut-off JSON of a known type.</summary>
    byte[] InvalidJsonFrame(string eol);

    /// <summary>A gateway's <c>data: [DONE]</c> after the end event, or null when the format ends with it already.</summary>
    byte[]? DoneMarker(string eol);

    /// <summary>How the format's SDKs are pointed at a server (serve's and record's banners) and where they find their key.</summary>
    SdkConventions Sdk { get; }

    /// <summary>A minimal streaming request for a probe (<c>chunks --url</c>): its headers, carrying <paramref name="apiKey"/>, and its JSON body.</summary>
    /// <param name="model">The model to ask; null: one the format's API knows.</param>
    ProbeRequest Probe(string apiKey, string? model, string prompt);
}

/// <summary>What an event is, in terms every format shares; faults and the planner work with these.</summary>
internal enum WireEventKind
{
    /// <summary>The reply starts (message_start, the first chunk, response.created).</summary>
    Start,

    /// <summary>A content block, output item or tool call starts.</summary>
    BlockStart,

    /// <summary>A piece of answer text.</summary>
    TextDelta,

    /// <summary>A piece of a tool call's arguments.</summary>
    ToolDelta,

    /// <summary>Any other piece of content (thinking, reasoning summaries, signatures, citations).</summary>
    OtherDelta,

    /// <summary>A content block, output item or tool call ends.</summary>
    BlockStop,

    /// <summary>The stop or finish reason arrives (message_delta, a finish_reason chunk).</summary>
    Finish,

    /// <summary>The last event of a complete reply (message_stop, <c>[DONE]</c>, response.completed or .incomplete).</summary>
    End,

    /// <summary>An error inside the stream.</summary>
    Error,

    /// <summary>A keepalive event (ping).</summary>
    Keepalive,

    /// <summary>Anything else (usage-only chunks, unknown types, gateway markers).</summary>
    Other,
}

/// <summary>One dispatched event of a body: its frame, what it is, the block it belongs to, and its text for text deltas.</summary>
/// <param name="Frame">Where it is in the body.</param>
/// <param name="Kind">What it is.</param>
/// <param name="Block">The content block, output item or tool-call index it belongs to, when it has one.</param>
/// <param name="BlockType">For <see cref="WireEventKind.BlockStart"/> and deltas where known: text, tool_use, function, reasoning...</param>
/// <param name="Text">For <see cref="WireEventKind.TextDelta"/>: the text it adds.</param>
internal sealed record WireEvent(SseFrame Frame, WireEventKind Kind, int? Block = null, string? BlockType = null, string? Text = null);

/// <summary>A format's rate-limit headers: fixed values, and resets written as RFC 3339 moments when the reply is sent.</summary>
internal sealed record RateLimitHeaders(IReadOnlyList<KeyValuePair<string, string>> Fixed, IReadOnlyList<KeyValuePair<string, TimeSpan>> ResetMoments);

/// <summary>A non-streaming reply assembled from a stream: the JSON body, or the error the stream carried.</summary>
internal sealed record AssembledReply(byte[]? Json, ApiError? Error);

/// <summary>How a format's SDKs find a server.</summary>
/// <param name="BaseUrlVariable">The environment variable the SDKs read their base URL from, e.g. <c>ANTHROPIC_BASE_URL</c>.</param>
/// <param name="BaseUrlSuffix">What follows a server's base URL in that variable: "" when the SDK appends the whole path (<c>/v1/messages</c>), <c>/v1</c> when it appends the rest (the OpenAI SDKs append <c>/chat/completions</c>).</param>
/// <param name="ApiKeyVariable">The environment variable the SDKs read their key from.</param>
internal sealed record SdkConventions(string BaseUrlVariable, string BaseUrlSuffix, string ApiKeyVariable);

/// <summary>A probe's request: headers (auth, version) and the JSON body, POSTed to the format's path.</summary>
internal sealed record ProbeRequest(IReadOnlyList<KeyValuePair<string, string>> Headers, string Body);
