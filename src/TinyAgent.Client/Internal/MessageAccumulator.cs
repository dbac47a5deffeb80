// One file over 300 lines on purpose: this is the stream's state machine, and every handler below reads and writes the
// same message state (started, stopped, blocks, usage). What it reads is in EventDataReader, how it decodes strings in
// JsonStringDecoder, and each block's state in BlockState.

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
                var type = EventDataReader.ReadType(data);
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
        var fields = EventDataReader.Read(data, block: true, delta: false);
        var (index, block) = (fields.Index, fields.Block);
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
        var index = EventDataReader.ReadIndex(data);
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

    private StreamEvent? OnDelta(ReadOnlySpan<byte> data)
    {
        var d = EventDataReader.Read(data, block: false, delta: true);
        var (index, kind) = (d.Index, d.Kind);
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
        if (d.ValueField != kind)
            throw Protocol($"{EventDataReader.Name(kind)} for block {index} lacks its value field (event #{EventCount})");
        if (!state.Accepts(kind))
            throw Protocol($"{EventDataReader.Name(kind)} for block {index}, a '{state.Type}' block (event #{EventCount})");
        _onContent();
        if (kind == DeltaKind.Citations)
        {
            (state.Citations ??= []).Add(d.Citation);
            return Materialize ? new CitationsDeltaEvent(index, d.Citation) : null;
        }
        var target = state.BufferFor(kind);
        // Unescaped: the whole data passed Utf8.IsValid above. Escaped: the reader throws on a bad escape.
        var written = d.Escaped
            ? JsonStringDecoder.Unescape(data.Slice(d.ValueStart - 1, d.ValueLength + 2), target)
            : target.AppendUtf8(data.Slice(d.ValueStart, d.ValueLength));
        return Appended(state, kind, index, written);
    }

    /// <summary>Bookkeeping once a value is in its block's buffer (the last <paramref name="written"/> characters).</summary>
    private StreamEvent? Appended(BlockState state, DeltaKind kind, int index, int written)
    {
        if (kind == DeltaKind.InputJson)
            state.HasInputDeltas = true;
        return Materialize ? MakeDelta(kind, index, new string(state.BufferFor(kind).Last(written))) : null;
    }

    /// <summary>
    /// A delta in the API's exact layout (<see cref="EventDataReader.TryReadCanonicalDelta"/>) for a block that takes it,
    /// decoded with no JSON reader. False sends it down the slow path, which gives the same result or the error.
    /// </summary>
    private bool TryCanonicalDelta(ReadOnlySpan<byte> data, out StreamEvent? result)
    {
        result = null;
        if (!EventDataReader.TryReadCanonicalDelta(data, out var d))
            return false;
        if (!Started || d.Index >= _blocks.Count || _blocks[d.Index] is not { Stopped: false } state || !state.Accepts(d.Kind))
            return false; // the slow path reports the error
        var target = state.BufferFor(d.Kind);
        var value = data.Slice(d.ValueStart, d.ValueLength);
        // Transcoding validates: invalid UTF-8 or a bad escape writes nothing and goes to the slow path for its error.
        var written = !d.Escaped ? target.AppendUtf8(value)
            : JsonStringDecoder.UnescapeSimple(value, target) is var simple and not -2 ? simple
            : JsonStringDecoder.TryUnescape(data.Slice(d.ValueStart - 1, d.ValueLength + 2), target);
        if (written < 0)
            return false;
        _onContent();
        result = Appended(state, d.Kind, d.Index, written);
        return true;
    }

    private static StreamEvent MakeDelta(DeltaKind kind, int index, string text) => kind switch
    {
        DeltaKind.Text => new TextDeltaEvent(index, text),
        DeltaKind.InputJson => new InputJsonDeltaEvent(index, text),
        DeltaKind.Thinking => new ThinkingDeltaEvent(index, text),
        _ => new SignatureDeltaEvent(index, text),
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
}
