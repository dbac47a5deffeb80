using System.Text.Json;

namespace TinyAgent.Client.Internal;

/// <summary>
/// One content block while it streams: its start JSON, the pooled buffers its deltas land in (text, thinking or tool
/// input, and a thinking block's signature), which deltas it accepts, and how it becomes a typed block.
/// </summary>
internal sealed class BlockState
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
