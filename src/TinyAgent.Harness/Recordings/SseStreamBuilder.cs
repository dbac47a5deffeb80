using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace TinyAgent.Harness.Recordings;

/// <summary>
/// Appends Messages-stream frames (<c>event: NAME\ndata: JSON\n\n</c>, compact JSON, raw UTF-8) to a buffer and
/// remembers where each frame starts and whether it carries a token, so a timeline can be laid over it.
/// </summary>
internal sealed class SseStreamBuilder
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly ArrayBufferWriter<byte> _buffer;
    private readonly Utf8JsonWriter _json;
    private readonly List<(int Offset, bool Token)> _frames = [];

    public SseStreamBuilder(int capacity = 4096)
    {
        _buffer = new ArrayBufferWriter<byte>(capacity);
        _json = new Utf8JsonWriter(_buffer, Options);
    }

    public int Length => _buffer.WrittenCount;

    /// <summary>Frame start offsets with whether the frame is a content delta (a token), in order.</summary>
    public IReadOnlyList<(int Offset, bool Token)> Frames => _frames;

    public int OutputTokens { get; private set; }

    public void MessageStart(string id, string model, int inputTokens) => Frame("message_start", false, w =>
    {
        w.WriteString("type", "message_start");
        w.WriteStartObject("message");
        w.WriteString("id", id);
        w.WriteString("type", "message");
        w.WriteString("role", "assistant");
        w.WriteString("model", model);
        w.WriteStartArray("content");
        w.WriteEndArray();
        w.WriteNull("stop_reason");
        w.WriteNull("stop_sequence");
        w.WriteStartObject("usage");
        w.WriteNumber("input_tokens", inputTokens);
        w.WriteNumber("cache_creation_input_tokens", 0);
        w.WriteNumber("cache_read_input_tokens", 0);
        w.WriteNumber("output_tokens", 1);
        w.WriteString("service_tier", "standard");
        w.WriteEndObject();
        w.WriteEndObject();
    });

    public void Ping()
    {
        _frames.Add((Length, false));
        _buffer.Write("event: ping\ndata: {\"type\": \"ping\"}\n\n"u8);
    }

    public void TextStart(int index) => BlockStart(index, w =>
    {
        w.WriteString("type", "text");
        w.WriteString("text", string.Empty);
    });

    public void ThinkingStart(int index) => BlockStart(index, w =>
    {
        w.WriteString("type", "thinking");
        w.WriteString("thinking", string.Empty);
        w.WriteString("signature", string.Empty);
    });

    public void ToolUseStart(int index, string id, string name) => BlockStart(index, w =>
    {
        w.WriteString("type", "tool_use");
        w.WriteString("id", id);
        w.WriteString("name", name);
        w.WriteStartObject("input");
        w.WriteEndObject();
    });

    public void RedactedThinking(int index, string data)
    {
        BlockStart(index, w =>
        {
            w.WriteString("type", "redacted_thinking");
            w.WriteString("data", data);
        });
        BlockStop(index);
    }

    /// <summary>A <c>content_block_delta</c>: <paramref name="deltaType"/> with its one string field.</summary>
    public void Delta(int index, string deltaType, string field, string value)
    {
        OutputTokens++;
        Frame("content_block_delta", true, w =>
        {
            w.WriteString("type", "content_block_delta");
            w.WriteNumber("index", index);
            w.WriteStartObject("delta");
            w.WriteString("type", deltaType);
            w.WriteString(field, value);
            w.WriteEndObject();
        });
    }

    public void BlockStop(int index) => Frame("content_block_stop", false, w =>
    {
        w.WriteString("type", "content_block_stop");
        w.WriteNumber("index", index);
    });

    public void End(string stopReason, string? stopSequence = null)
    {
        int tokens = Math.Max(OutputTokens, 1);
        Frame("message_delta", false, w =>
        {
            w.WriteString("type", "message_delta");
            w.WriteStartObject("delta");
            w.WriteString("stop_reason", stopReason);
            w.WriteString("stop_sequence", stopSequence);
            w.WriteEndObject();
            w.WriteStartObject("usage");
            w.WriteNumber("output_tokens", tokens);
            w.WriteEndObject();
        });
        Frame("message_stop", false, w => w.WriteString("type", "message_stop"));
    }

    public byte[] ToArray() => _buffer.WrittenSpan.ToArray();

    private void BlockStart(int index, Action<Utf8JsonWriter> block) => Frame("content_block_start", false, w =>
    {
        w.WriteString("type", "content_block_start");
        w.WriteNumber("index", index);
        w.WriteStartObject("content_block");
        block(w);
        w.WriteEndObject();
    });

    private void Frame(string eventName, bool token, Action<Utf8JsonWriter> body)
    {
        _frames.Add((Length, token));
        _buffer.Write("event: "u8);
        System.Text.EncodingExtensions.GetBytes(System.Text.Encoding.UTF8, eventName, _buffer);
        _buffer.Write("\ndata: "u8);
        _json.Reset(_buffer);
        _json.WriteStartObject();
        body(_json);
        _json.WriteEndObject();
        _json.Flush();
        _buffer.Write("\n\n"u8);
    }
}
