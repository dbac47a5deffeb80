using System.Text.Json;

namespace TinyAgent.Client;

/// <summary>A typed server-sent event. <c>ping</c>, unknown events and unknown deltas are counted, not yielded.</summary>
public abstract record StreamEvent;

/// <summary><c>message_start</c>: the message shell (no content yet).</summary>
public sealed record MessageStartEvent(Message Message) : StreamEvent;

/// <summary><c>content_block_start</c>.</summary>
public sealed record ContentBlockStartEvent(int Index, ContentBlock ContentBlock) : StreamEvent;

/// <summary><c>text_delta</c>.</summary>
public sealed record TextDeltaEvent(int Index, string Text) : StreamEvent;

/// <summary><c>input_json_delta</c>: a piece of tool input JSON, cut anywhere.</summary>
public sealed record InputJsonDeltaEvent(int Index, string PartialJson) : StreamEvent;

/// <summary><c>thinking_delta</c>.</summary>
public sealed record ThinkingDeltaEvent(int Index, string Thinking) : StreamEvent;

/// <summary><c>signature_delta</c>.</summary>
public sealed record SignatureDeltaEvent(int Index, string Signature) : StreamEvent;

/// <summary><c>citations_delta</c>, the citation as raw JSON.</summary>
public sealed record CitationsDeltaEvent(int Index, JsonElement Citation) : StreamEvent;

/// <summary><c>content_block_stop</c>, with the completed block.</summary>
public sealed record ContentBlockStopEvent(int Index, ContentBlock ContentBlock) : StreamEvent;

/// <summary><c>message_delta</c>: the stop reason and cumulative usage.</summary>
public sealed record MessageDeltaEvent(string? StopReason, string? StopSequence, Usage Usage) : StreamEvent;

/// <summary><c>message_stop</c>: the stream is complete.</summary>
public sealed record MessageStopEvent : StreamEvent;
