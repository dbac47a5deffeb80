using System.Text.Json;

namespace TinyAgent.Client.Internal;

/// <summary>The kinds of <c>content_block_delta</c> the accumulator knows (Unknown: ignored).</summary>
internal enum DeltaKind { Unknown, Text, InputJson, Thinking, Signature, Citations }

/// <summary>
/// What a <c>content_block_start</c> or <c>content_block_delta</c> says: the block index, the block's JSON, the delta
/// kind, and where the delta's string value lies in the data (from the quote after the opening one, undecoded).
/// </summary>
internal struct EventFields
{
    public int Index;
    public JsonElement? Block;
    public DeltaKind Kind;
    public DeltaKind ValueField;
    public int ValueStart;
    public int ValueLength;
    public bool Escaped;
    public JsonElement Citation;
}

/// <summary>
/// Reads the fields the accumulator needs from an event's data: with <see cref="Utf8JsonReader"/> for any layout (the
/// slow path, which also finds every error), or by matching the API's exact delta layout with no reader at all.
/// </summary>
internal static class EventDataReader
{
    // Each known delta: its type, the field that carries its value, and its kind. The first four carry a string.
    private static readonly (byte[] Type, byte[] Field, DeltaKind Kind)[] Deltas =
    [
        ("text_delta"u8.ToArray(), "text"u8.ToArray(), DeltaKind.Text),
        ("input_json_delta"u8.ToArray(), "partial_json"u8.ToArray(), DeltaKind.InputJson),
        ("thinking_delta"u8.ToArray(), "thinking"u8.ToArray(), DeltaKind.Thinking),
        ("signature_delta"u8.ToArray(), "signature"u8.ToArray(), DeltaKind.Signature),
        ("citations_delta"u8.ToArray(), "citation"u8.ToArray(), DeltaKind.Citations),
    ];

    /// <summary>The JSON's own <c>type</c>, for a frame with no <c>event:</c> line; null when it has none.</summary>
    public static string? ReadType(ReadOnlySpan<byte> data) =>
        TryFind(data, "type"u8, out var reader) && reader.TokenType == JsonTokenType.String ? reader.GetString() : null;

    /// <summary>The top-level <c>index</c>, or -1.</summary>
    public static int ReadIndex(ReadOnlySpan<byte> data) => TryFind(data, "index"u8, out var reader) ? reader.GetInt32() : -1;

    /// <summary>
    /// Reads <c>index</c> and, when asked, <c>content_block</c> (a start) or <c>delta</c> (a delta); other properties are skipped.
    /// </summary>
    public static EventFields Read(ReadOnlySpan<byte> data, bool block, bool delta)
    {
        var reader = new Utf8JsonReader(data);
        var fields = new EventFields { Index = -1 };
        ReadObjectStart(ref reader);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("index"u8))
            {
                reader.Read();
                fields.Index = reader.GetInt32();
            }
            else if (block && reader.ValueTextEquals("content_block"u8))
            {
                reader.Read();
                fields.Block = JsonElement.ParseValue(ref reader);
            }
            else if (delta && reader.ValueTextEquals("delta"u8))
            {
                reader.Read();
                ReadDelta(ref reader, ref fields);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return fields;
    }

    /// <summary>
    /// The fast path for a delta laid out exactly as the API sends it: <c>{"type":"content_block_delta","index":N,
    /// "delta":{"type":"text_delta","text":"..."}}</c> (or partial_json, thinking, signature). Anything else (spaces,
    /// other key order, control characters, escapes the reader must judge) returns false and goes through
    /// <see cref="Read"/>, which gives the same result or the error.
    /// </summary>
    public static bool TryReadCanonicalDelta(ReadOnlySpan<byte> data, out EventFields fields)
    {
        fields = default;
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
        var kind = DeltaKind.Unknown;
        foreach (var (type, field, candidate) in Deltas.AsSpan(0, 4))
        {
            var probe = rest;
            if (Eat(ref probe, type) && Eat(ref probe, "\",\""u8) && Eat(ref probe, field) && Eat(ref probe, "\":\""u8))
            {
                rest = probe;
                kind = candidate;
                break;
            }
        }
        if (kind == DeltaKind.Unknown)
            return false;
        var end = 0;
        var escaped = false;
        while (true)
        {
            var next = rest[end..].IndexOfAny(JsonStringDecoder.StringStops);
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
        fields = new EventFields
        {
            Index = index,
            Kind = kind,
            ValueField = kind,
            ValueStart = data.Length - rest.Length,
            ValueLength = end,
            Escaped = escaped,
        };
        return true;
    }

    public static string Name(DeltaKind kind) => System.Text.Encoding.UTF8.GetString(Array.Find(Deltas, d => d.Kind == kind).Type ?? Deltas[^1].Type);

    private static void ReadDelta(ref Utf8JsonReader reader, ref EventFields fields)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
            throw new JsonException("delta is not an object");
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            // A reader cannot compare the property name again after Read(): decide first.
            var isType = reader.ValueTextEquals("type"u8);
            var field = isType ? DeltaKind.Unknown : FieldOf(ref reader);
            reader.Read();
            if (isType && reader.TokenType == JsonTokenType.String)
            {
                fields.Kind = KindOf(ref reader);
            }
            else if (field is DeltaKind.Text or DeltaKind.InputJson or DeltaKind.Thinking or DeltaKind.Signature
                     && reader.TokenType == JsonTokenType.String)
            {
                fields.ValueField = field;
                fields.ValueStart = (int)reader.TokenStartIndex + 1;
                fields.ValueLength = reader.ValueSpan.Length;
                fields.Escaped = reader.ValueIsEscaped;
            }
            else if (field == DeltaKind.Citations)
            {
                fields.ValueField = field;
                fields.Citation = JsonElement.ParseValue(ref reader);
            }
            else
            {
                reader.Skip();
            }
        }
    }

    /// <summary>Positions <paramref name="reader"/> on the value of the first top-level property <paramref name="name"/>.</summary>
    private static bool TryFind(ReadOnlySpan<byte> data, ReadOnlySpan<byte> name, out Utf8JsonReader reader)
    {
        reader = new Utf8JsonReader(data);
        ReadObjectStart(ref reader);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var found = reader.ValueTextEquals(name);
            reader.Read();
            if (found)
                return true;
            reader.Skip();
        }
        return false;
    }

    private static void ReadObjectStart(ref Utf8JsonReader reader)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            throw new JsonException("data is not a JSON object");
    }

    private static DeltaKind FieldOf(ref Utf8JsonReader reader)
    {
        foreach (var (_, field, kind) in Deltas)
        {
            if (reader.ValueTextEquals(field))
                return kind;
        }
        return DeltaKind.Unknown;
    }

    private static DeltaKind KindOf(ref Utf8JsonReader reader)
    {
        foreach (var (type, _, kind) in Deltas)
        {
            if (reader.ValueTextEquals(type))
                return kind;
        }
        return DeltaKind.Unknown;
    }

    private static bool Eat(ref ReadOnlySpan<byte> rest, ReadOnlySpan<byte> literal)
    {
        if (!rest.StartsWith(literal))
            return false;
        rest = rest[literal.Length..];
        return true;
    }
}
