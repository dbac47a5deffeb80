using System.Buffers;
using System.Globalization;
using System.Text.Json;

namespace TinyAgent.Client.Internal;

/// <summary>
/// Turns each SSE item (event name + UTF-8 data) into state, and into a typed event only when someone enumerates.
/// Text deltas are transcoded (unescaped, UTF-8 checked) from the data bytes straight into pooled UTF-16 buffers,
/// so the accumulate-only path allocates nothing per delta and the final text is one copy.
/// </summary>
internal sealed class MessageAccumulator : IDisposable
{
    private static readonly MessageStopEvent StopEvent = new();
    private readonly List<BlockState?> _blocks = [];
    private readonly Action _onContent;
    private string? _id;
    private string? _model;
    private string? _role;
    private Usage _usage = new(0, 0);
    private string? _stopReason;
    private string? _stopSequence;

    public MessageAccumulator(Action onContent) => _onContent = onContent;

    /// <summary>When false, <see cref="Parse"/> only accumulates and returns null.</summary>
    public bool Materialize { get; set; }

    public string? RequestId { get; set; }

    public bool Started { get; private set; }

    public bool Stopped { get; private set; }

    public long EventCount { get; private set; }

    public long IgnoredEventCount { get; private set; }

    public StreamEvent? Parse(string eventType, ReadOnlySpan<byte> data)
    {
        EventCount++;

        // Nearly every event is a text or JSON delta in the API's exact byte layout: read those without a JSON reader.
        if (eventType == "content_block_delta" && TryCanonicalDelta(data, out var fast))
            return fast;

        // Utf8JsonReader does not check UTF-8 inside strings it does not decode: without this, a corrupted byte would
        // end up in a block's JsonElement and throw InvalidOperationException in the caller's hands later.
        if (!System.Text.Unicode.Utf8.IsValid(data))
        {
            throw new StreamProtocolException($"The data of event #{EventCount} ('{eventType}') is not valid UTF-8.")
            { RequestId = RequestId, PartialMessage = Snapshot() };
        }

        try
        {
            return Dispatch(eventType, data);
        }
        catch (JsonException ex)
        {
            throw new StreamProtocolException(
                $"Invalid JSON in the data of event #{EventCount} ('{eventType}') at byte {ex.BytePositionInLine}: {ex.Message}", ex)
            { RequestId = RequestId, PartialMessage = Snapshot() };
        }
        catch (InvalidOperationException ex)
        {
            // Utf8JsonReader.GetInt32/GetString on a token of the wrong kind.
            throw new StreamProtocolException($"Unexpected JSON shape in the data of event #{EventCount} ('{eventType}'): {ex.Message}", ex)
            { RequestId = RequestId, PartialMessage = Snapshot() };
        }
    }

    private StreamEvent? Dispatch(string eventType, ReadOnlySpan<byte> data)
    {
        switch (eventType)
        {
            case "content_block_delta":
                return OnDelta(data);
            case "ping":
                IgnoredEventCount++;
                return null;
            case "message_start":
                return OnMessageStart(data);
            case "content_block_start":
                return OnBlockStart(data);
            case "content_block_stop":
                return OnBlockStop(data);
            case "message_delta":
                return OnMessageDelta(data);
            case "message_stop":
                RequireStarted(eventType);
                Stopped = true;
                _onContent();
                return Materialize ? StopEvent : null;
            case "error":
                throw OnError(data);
            case "message":
                // No "event:" line: the JSON's own type names the event.
                var type = ReadType(data);
                if (type is null or "message")
                {
                    IgnoredEventCount++;
                    return null;
                }
                EventCount--;
                return Parse(type, data);
            default:
                IgnoredEventCount++;
                _onContent();
                return null;
        }
    }

    private void RequireStarted(string eventType)
    {
        if (!Started)
            throw Protocol($"'{eventType}' arrived before message_start (event #{EventCount})");
    }

    private StreamProtocolException Protocol(string message) =>
        new(message) { RequestId = RequestId, PartialMessage = Snapshot() };

    private static string? ReadType(ReadOnlySpan<byte> data)
    {
        var reader = new Utf8JsonReader(data);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            throw new JsonException("data is not a JSON object");
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isType = reader.ValueTextEquals("type"u8);
            reader.Read();
            if (isType && reader.TokenType == JsonTokenType.String)
                return reader.GetString();
            reader.Skip();
        }
        return null;
    }

    private StreamEvent? OnMessageStart(ReadOnlySpan<byte> data)
    {
        if (Started)
            throw Protocol($"a second message_start arrived (event #{EventCount})");
        var start = JsonSerializer.Deserialize(data, WireJsonContext.Default.WireMessageStart);
        var message = start?.Message ?? throw Protocol($"message_start without a message object (event #{EventCount})");
        _id = message.Id ?? "";
        _model = message.Model ?? "";
        _role = message.Role ?? "assistant";
        _usage = MergeUsage(_usage, message.Usage);
        _stopReason = message.StopReason;
        _stopSequence = message.StopSequence;
        Started = true;
        _onContent();
        return Materialize ? new MessageStartEvent(Snapshot()!) : null;
    }

    private StreamEvent? OnMessageDelta(ReadOnlySpan<byte> data)
    {
        RequireStarted("message_delta");
        var delta = JsonSerializer.Deserialize(data, WireJsonContext.Default.WireMessageDelta);
        if (delta?.Delta is { } d)
        {
            _stopReason = d.StopReason ?? _stopReason;
            _stopSequence = d.StopSequence ?? _stopSequence;
        }
        _usage = MergeUsage(_usage, delta?.Usage);
        _onContent();
        return Materialize ? new MessageDeltaEvent(_stopReason, _stopSequence, _usage) : null;
    }

    private StreamErrorException OnError(ReadOnlySpan<byte> data)
    {
        var envelope = JsonSerializer.Deserialize(data, WireJsonContext.Default.WireErrorEnvelope);
        return new StreamErrorException(envelope?.Error?.Type ?? "unknown_error", envelope?.Error?.Message ?? "(no message)")
        {
            RequestId = envelope?.RequestId ?? RequestId,
            PartialMessage = Snapshot(),
        };
    }

    private StreamEvent? OnBlockStart(ReadOnlySpan<byte> data)
    {
        RequireStarted("content_block_start");
        var reader = new Utf8JsonReader(data);
        var index = -1;
        JsonElement? block = null;
        ReadObjectStart(ref reader);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("index"u8))
            {
                reader.Read();
                index = reader.GetInt32();
            }
            else if (reader.ValueTextEquals("content_block"u8))
            {
                reader.Read();
                block = JsonElement.ParseValue(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        if (index < 0 || block is not { ValueKind: JsonValueKind.Object } json)
            throw Protocol($"content_block_start without index or content_block (event #{EventCount})");
        while (_blocks.Count <= index)
            _blocks.Add(null);
        if (_blocks[index] is not null)
            throw Protocol($"content_block_start for block {index}, which had already started (event #{EventCount})");
        var state = BlockState.Start(json);
        _blocks[index] = state;
        _onContent();
        return Materialize ? new ContentBlockStartEvent(index, state.Build(final: false)) : null;
    }

    private StreamEvent? OnBlockStop(ReadOnlySpan<byte> data)
    {
        RequireStarted("content_block_stop");
        var index = ReadIndex(data);
        var state = GetBlock(index, "content_block_stop");
        state.Stopped = true;
        try
        {
            state.Final = state.Build(final: true);
        }
        catch (JsonException ex)
        {
            throw new StreamProtocolException($"Block {index}'s tool input is not valid JSON once complete: {ex.Message}", ex)
            { RequestId = RequestId, PartialMessage = Snapshot() };
        }
        state.ReleaseBuffers();
        _onContent();
        return Materialize ? new ContentBlockStopEvent(index, state.Final) : null;
    }

    private BlockState GetBlock(int index, string eventType)
    {
        var state = index >= 0 && index < _blocks.Count ? _blocks[index] : null;
        if (state is null)
            throw Protocol($"'{eventType}' for block {index}, which never started (event #{EventCount})");
        if (state.Stopped)
            throw Protocol($"'{eventType}' for block {index}, which had already stopped (event #{EventCount})");
        return state;
    }

    private static int ReadIndex(ReadOnlySpan<byte> data)
    {
        var reader = new Utf8JsonReader(data);
        ReadObjectStart(ref reader);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isIndex = reader.ValueTextEquals("index"u8);
            reader.Read();
            if (isIndex)
                return reader.GetInt32();
            reader.Skip();
        }
        return -1;
    }

    private static void ReadObjectStart(ref Utf8JsonReader reader)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            throw new JsonException("data is not a JSON object");
    }

    private enum DeltaKind { Unknown, Text, InputJson, Thinking, Signature, Citations }

    private StreamEvent? OnDelta(ReadOnlySpan<byte> data)
    {
        var reader = new Utf8JsonReader(data);
        var index = -1;
        var kind = DeltaKind.Unknown;
        var valueField = DeltaKind.Unknown;
        int valueStart = 0, valueLength = 0;
        var escaped = false;
        JsonElement citation = default;
        ReadObjectStart(ref reader);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("index"u8))
            {
                reader.Read();
                index = reader.GetInt32();
            }
            else if (reader.ValueTextEquals("delta"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartObject)
                    throw new JsonException("delta is not an object");
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var field = FieldOf(ref reader);
                    reader.Read();
                    if (field == DeltaKind.Unknown && reader.TokenType == JsonTokenType.String && IsTypeProperty)
                    {
                        kind = KindOf(ref reader);
                    }
                    else if (field is DeltaKind.Text or DeltaKind.InputJson or DeltaKind.Thinking or DeltaKind.Signature
                             && reader.TokenType == JsonTokenType.String)
                    {
                        valueField = field;
                        valueStart = (int)reader.TokenStartIndex + 1;
                        valueLength = reader.ValueSpan.Length;
                        escaped = reader.ValueIsEscaped;
                    }
                    else if (field == DeltaKind.Citations)
                    {
                        valueField = field;
                        citation = JsonElement.ParseValue(ref reader);
                    }
                    else
                    {
                        reader.Skip();
                    }
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
        RequireStarted("content_block_delta");
        if (index < 0)
            throw Protocol($"content_block_delta without an index (event #{EventCount})");
        var state = GetBlock(index, "content_block_delta");
        if (kind == DeltaKind.Unknown)
        {
            IgnoredEventCount++;
            _onContent();
            return null;
        }
        if (valueField != kind)
            throw Protocol($"{DeltaName(kind)} for block {index} lacks its value field (event #{EventCount})");
        if (!state.Accepts(kind))
            throw Protocol($"{DeltaName(kind)} for block {index}, a '{state.Type}' block (event #{EventCount})");
        _onContent();
        if (kind == DeltaKind.Citations)
        {
            (state.Citations ??= []).Add(citation);
            return Materialize ? new CitationsDeltaEvent(index, citation) : null;
        }
        var target = state.BufferFor(kind);
        // Unescaped: the whole data passed Utf8.IsValid above. Escaped: the reader throws on a bad escape.
        var written = escaped
            ? Unescape(data.Slice(valueStart - 1, valueLength + 2), target)
            : target.AppendUtf8(data.Slice(valueStart, valueLength));
        return Appended(state, kind, index, written);
    }

    /// <summary>Bookkeeping once a value is in its block's buffer (the last <paramref name="written"/> characters).</summary>
    private StreamEvent? Appended(BlockState state, DeltaKind kind, int index, int written)
    {
        if (kind == DeltaKind.InputJson)
            state.HasInputDeltas = true;
        return Materialize ? MakeDelta(kind, index, new string(state.BufferFor(kind).Last(written))) : null;
    }

    private static readonly SearchValues<byte> StringStops =
        SearchValues.Create([.. Enumerable.Range(0, 0x20).Select(static b => (byte)b), (byte)'"', (byte)'\\']);

    /// <summary>
    /// The fast path for a delta laid out exactly as the API sends it: <c>{"type":"content_block_delta","index":N,
    /// "delta":{"type":"text_delta","text":"..."}}</c> (or partial_json, thinking, signature). Anything else (spaces,
    /// other key order, control characters, invalid UTF-8, escapes the reader must judge) returns false and goes
    /// through the JSON reader, which gives the same result or the error.
    /// </summary>
    private bool TryCanonicalDelta(ReadOnlySpan<byte> data, out StreamEvent? result)
    {
        result = null;
        ReadOnlySpan<byte> head = "{\"type\":\"content_block_delta\",\"index\":"u8;
        if (!data.StartsWith(head))
            return false;
        var rest = data[head.Length..];
        var digits = rest.IndexOfAnyExceptInRange((byte)'0', (byte)'9');
        if (digits is < 1 or > 9 || (digits > 1 && rest[0] == '0'))
            return false;
        var index = 0;
        foreach (var d in rest[..digits])
            index = (index * 10) + (d - '0');
        rest = rest[digits..];
        if (!Eat(ref rest, ",\"delta\":{\"type\":\""u8))
            return false;
        DeltaKind kind;
        if (Eat(ref rest, "text_delta\",\"text\":\""u8))
            kind = DeltaKind.Text;
        else if (Eat(ref rest, "input_json_delta\",\"partial_json\":\""u8))
            kind = DeltaKind.InputJson;
        else if (Eat(ref rest, "thinking_delta\",\"thinking\":\""u8))
            kind = DeltaKind.Thinking;
        else if (Eat(ref rest, "signature_delta\",\"signature\":\""u8))
            kind = DeltaKind.Signature;
        else
            return false;
        var end = 0;
        var escaped = false;
        while (true)
        {
            var next = rest[end..].IndexOfAny(StringStops);
            if (next < 0)
                return false;
            end += next;
            if (rest[end] == '"')
                break;
            if (rest[end] != '\\' || end + 1 >= rest.Length)
                return false; // a raw control character: invalid JSON, the slow path says so
            escaped = true;
            end += 2; // the escaped character is never the closing quote; \uXXXX digits are checked when decoding
        }
        if (!rest[end..].SequenceEqual("\"}}"u8))
            return false;
        if (!Started || index >= _blocks.Count || _blocks[index] is not { Stopped: false } state || !state.Accepts(kind))
            return false; // the slow path reports the error
        var target = state.BufferFor(kind);
        // Transcoding validates: invalid UTF-8 or a bad escape writes nothing and goes to the slow path for its error.
        var written = !escaped ? target.AppendUtf8(rest[..end])
            : UnescapeSimple(rest[..end], target) is var simple and not -2 ? simple
            : TryUnescape(data.Slice(data.Length - rest.Length - 1, end + 2), target);
        if (written < 0)
            return false;
        _onContent();
        result = Appended(state, kind, index, written);
        return true;
    }

    /// <summary>
    /// Decodes a string body into the buffer without a JSON reader: the characters written, -1 (nothing written) if it
    /// is invalid, or -2 for what it leaves to <see cref="TryUnescape"/>: a lone or broken surrogate escape, a short
    /// or non-hex \u escape (the reader decides those, so both paths agree on every error).
    /// </summary>
    private static int UnescapeSimple(ReadOnlySpan<byte> value, TextBuffer target)
    {
        // Each escape shrinks two bytes to one char and one UTF-8 byte never makes more than one char.
        var span = target.GetSpan(value.Length);
        var written = 0;
        while (true)
        {
            // A backslash is ASCII, so it never splits a UTF-8 sequence: each run must be valid on its own.
            var slash = value.IndexOf((byte)'\\');
            var run = slash < 0 ? value : value[..slash];
            if (System.Text.Unicode.Utf8.ToUtf16(run, span[written..], out _, out var n, replaceInvalidSequences: false) != OperationStatus.Done)
                return -1;
            written += n;
            if (slash < 0)
                break;
            // The caller's scan paired every backslash with the byte after it, so that byte exists.
            if (value[slash + 1] == 'u')
            {
                var used = UnicodeEscape(value[slash..], span[written..], ref written);
                if (used < 0)
                    return -2;
                value = value[(slash + used)..];
                continue;
            }
            int c = value[slash + 1] switch
            {
                (byte)'"' => '"',
                (byte)'\\' => '\\',
                (byte)'/' => '/',
                (byte)'b' => '\b',
                (byte)'f' => '\f',
                (byte)'n' => '\n',
                (byte)'r' => '\r',
                (byte)'t' => '\t',
                _ => -1,
            };
            if (c < 0)
                return c;
            span[written++] = (char)c;
            value = value[(slash + 2)..];
        }
        target.Advance(written);
        return written;
    }

    /// <summary>
    /// Decodes <c>\uXXXX</c> (or a surrogate pair of two) at the start of <paramref name="escape"/> into
    /// <paramref name="destination"/>: the bytes consumed, or -1 for anything but a BMP character or a whole pair.
    /// </summary>
    private static int UnicodeEscape(ReadOnlySpan<byte> escape, Span<char> destination, ref int written)
    {
        if (!TryHex4(escape, out var code))
            return -1;
        if (!char.IsSurrogate(code))
        {
            destination[0] = code;
            written++;
            return 6;
        }
        if (!char.IsHighSurrogate(code) || escape.Length < 12 || escape[6] != '\\' || escape[7] != 'u'
            || !TryHex4(escape[6..], out var low) || !char.IsLowSurrogate(low))
            return -1;
        destination[0] = code;
        destination[1] = low;
        written += 2;
        return 12;
    }

    private static bool TryHex4(ReadOnlySpan<byte> escape, out char code)
    {
        code = '\0';
        if (escape.Length < 6 || !ushort.TryParse(escape.Slice(2, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
            return false;
        code = (char)value;
        return true;
    }

    /// <summary>Decodes one quoted JSON string into the buffer with the reader: the characters written; throws if it is invalid.</summary>
    private static int Unescape(ReadOnlySpan<byte> quoted, TextBuffer target)
    {
        var reader = new Utf8JsonReader(quoted);
        reader.Read();
        var written = reader.CopyString(target.GetSpan(quoted.Length));
        target.Advance(written);
        return written;
    }

    /// <summary><see cref="Unescape"/>, or -1 (nothing written) where it would throw, so the slow path reports it.</summary>
    private static int TryUnescape(ReadOnlySpan<byte> quoted, TextBuffer target)
    {
        try
        {
            return Unescape(quoted, target);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return -1;
        }
    }

    private static bool Eat(ref ReadOnlySpan<byte> rest, ReadOnlySpan<byte> literal)
    {
        if (!rest.StartsWith(literal))
            return false;
        rest = rest[literal.Length..];
        return true;
    }

    private static StreamEvent MakeDelta(DeltaKind kind, int index, string text) => kind switch
    {
        DeltaKind.Text => new TextDeltaEvent(index, text),
        DeltaKind.InputJson => new InputJsonDeltaEvent(index, text),
        DeltaKind.Thinking => new ThinkingDeltaEvent(index, text),
        _ => new SignatureDeltaEvent(index, text),
    };

    // Set by FieldOf for the "type" property: a reader cannot be compared twice after Read().
    private bool IsTypeProperty { get; set; }

    private DeltaKind FieldOf(ref Utf8JsonReader reader)
    {
        IsTypeProperty = false;
        if (reader.ValueTextEquals("type"u8))
        {
            IsTypeProperty = true;
            return DeltaKind.Unknown;
        }
        if (reader.ValueTextEquals("text"u8))
            return DeltaKind.Text;
        if (reader.ValueTextEquals("partial_json"u8))
            return DeltaKind.InputJson;
        if (reader.ValueTextEquals("thinking"u8))
            return DeltaKind.Thinking;
        if (reader.ValueTextEquals("signature"u8))
            return DeltaKind.Signature;
        return reader.ValueTextEquals("citation"u8) ? DeltaKind.Citations : DeltaKind.Unknown;
    }

    private static DeltaKind KindOf(ref Utf8JsonReader reader)
    {
        if (reader.ValueTextEquals("text_delta"u8))
            return DeltaKind.Text;
        if (reader.ValueTextEquals("input_json_delta"u8))
            return DeltaKind.InputJson;
        if (reader.ValueTextEquals("thinking_delta"u8))
            return DeltaKind.Thinking;
        if (reader.ValueTextEquals("signature_delta"u8))
            return DeltaKind.Signature;
        return reader.ValueTextEquals("citations_delta"u8) ? DeltaKind.Citations : DeltaKind.Unknown;
    }

    private static string DeltaName(DeltaKind kind) => kind switch
    {
        DeltaKind.Text => "text_delta",
        DeltaKind.InputJson => "input_json_delta",
        DeltaKind.Thinking => "thinking_delta",
        DeltaKind.Signature => "signature_delta",
        _ => "citations_delta",
    };

    private static Usage MergeUsage(Usage current, WireUsage? wire) => wire is null
        ? current
        : new Usage(
            wire.InputTokens ?? current.InputTokens,
            wire.OutputTokens ?? current.OutputTokens,
            wire.CacheCreationInputTokens ?? current.CacheCreationInputTokens,
            wire.CacheReadInputTokens ?? current.CacheReadInputTokens,
            wire.ServiceTier ?? current.ServiceTier);

    /// <summary>The message so far (null before message_start).</summary>
    public Message? Snapshot()
    {
        if (!Started)
            return null;
        var content = new List<ContentBlock>(_blocks.Count);
        foreach (var block in _blocks)
        {
            if (block is null)
                continue;
            if (block.Final is { } final)
            {
                content.Add(final);
                continue;
            }
            try
            {
                content.Add(block.Build(final: false));
            }
            catch (JsonException)
            {
                content.Add(new RawContentBlock(block.Type, block.StartJson));
            }
        }
        return new Message
        {
            Id = _id ?? "",
            Model = _model ?? "",
            Role = _role ?? "assistant",
            Content = content,
            StopReason = _stopReason,
            StopSequence = _stopSequence,
            Usage = _usage,
            RequestId = RequestId,
            IsComplete = Stopped,
        };
    }

    public void Dispose()
    {
        foreach (var block in _blocks)
            block?.ReleaseBuffers();
    }

    /// <summary>Converts one whole content block (non-streaming replies) to its typed form.</summary>
    public static ContentBlock BlockFromJson(JsonElement json) => BlockState.Start(json).Build(final: true);

    private sealed class BlockState
    {
        public required string Type { get; init; }
        public required JsonElement StartJson { get; init; }
        public TextBuffer Main { get; } = new();
        public TextBuffer Signature { get; } = new();
        public List<JsonElement>? Citations { get; set; }
        public bool HasInputDeltas { get; set; }
        public bool Stopped { get; set; }
        public ContentBlock? Final { get; set; }

        public static BlockState Start(JsonElement json)
        {
            var type = json.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "unknown";
            var state = new BlockState { Type = type, StartJson = json };
            switch (type)
            {
                case "text":
                    state.Main.Append(StringProperty(json, "text"));
                    if (json.TryGetProperty("citations", out var c) && c.ValueKind == JsonValueKind.Array)
                        state.Citations = [.. c.EnumerateArray()];
                    break;
                case "thinking":
                    state.Main.Append(StringProperty(json, "thinking"));
                    state.Signature.Append(StringProperty(json, "signature"));
                    break;
            }
            return state;
        }

        public TextBuffer BufferFor(DeltaKind kind) => kind == DeltaKind.Signature ? Signature : Main;

        public bool Accepts(DeltaKind kind) => (Type, kind) switch
        {
            ("text", DeltaKind.Text or DeltaKind.Citations) => true,
            ("tool_use" or "server_tool_use", DeltaKind.InputJson) => true,
            ("thinking", DeltaKind.Thinking or DeltaKind.Signature) => true,
            _ => false,
        };

        public ContentBlock Build(bool final)
        {
            switch (Type)
            {
                case "text":
                    return new TextBlock(Main.ToString(), Citations is null ? null : [.. Citations]);
                case "thinking":
                    return new ThinkingBlock(Main.ToString(), Signature.ToString());
                case "redacted_thinking":
                    return new RedactedThinkingBlock(StringProperty(StartJson, "data"));
                case "tool_use" or "server_tool_use":
                    var raw = HasInputDeltas
                        ? Main.ToString()
                        : StartJson.TryGetProperty("input", out var input) ? input.GetRawText() : "";
                    var parsed = default(JsonElement);
                    if (final || !HasInputDeltas)
                        parsed = string.IsNullOrWhiteSpace(raw) ? EmptyObject() : JsonElement.Parse(raw);
                    return new ToolUseBlock(Type, StringProperty(StartJson, "id"), StringProperty(StartJson, "name"), parsed, raw);
                default:
                    return new RawContentBlock(Type, StartJson);
            }
        }

        public void ReleaseBuffers()
        {
            Main.Dispose();
            Signature.Dispose();
        }

        private static JsonElement EmptyObject() => JsonElement.Parse("{}");

        private static string StringProperty(JsonElement json, string name) =>
            json.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";
    }
}
