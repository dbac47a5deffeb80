using System.Text;
using System.Text.Json;

namespace TinyAgent.Client.Tests.Support;

/// <summary>Canonical text of a message or events, for whole-value comparisons.</summary>
internal static class Describe
{
    public static string Message(Message m)
    {
        var sb = new StringBuilder();
        sb.Append($"{m.Id}|{m.Model}|{m.Role}|{m.StopReason}|{m.StopSequence}|{m.Usage}|{m.IsComplete}\n");
        foreach (var block in m.Content)
            sb.Append(Block(block)).Append('\n');
        return sb.ToString();
    }

    public static string Block(ContentBlock block) => block switch
    {
        TextBlock t => $"text:{t.Text}",
        ToolUseBlock u => $"{u.Type}:{u.Id}:{u.Name}:{u.InputJson}:{(u.Input.ValueKind == JsonValueKind.Undefined ? "-" : u.Input.GetRawText())}",
        ThinkingBlock k => $"thinking:{k.Thinking}:{k.Signature}",
        RedactedThinkingBlock r => $"redacted:{r.Data}",
        RawContentBlock raw => $"raw:{raw.Type}:{raw.Json.GetRawText()}",
        _ => block.ToString(),
    };

    public static string Event(StreamEvent e) => e switch
    {
        MessageStartEvent s => $"start:{s.Message.Id}",
        ContentBlockStartEvent s => $"block_start:{s.Index}:{Block(s.ContentBlock)}",
        TextDeltaEvent d => $"text:{d.Index}:{d.Text}",
        InputJsonDeltaEvent d => $"json:{d.Index}:{d.PartialJson}",
        ThinkingDeltaEvent d => $"thinking:{d.Index}:{d.Thinking}",
        SignatureDeltaEvent d => $"signature:{d.Index}:{d.Signature}",
        CitationsDeltaEvent d => $"citation:{d.Index}:{d.Citation.GetRawText()}",
        ContentBlockStopEvent s => $"block_stop:{s.Index}:{Block(s.ContentBlock)}",
        MessageDeltaEvent d => $"delta:{d.StopReason}:{d.Usage}",
        MessageStopEvent => "stop",
        _ => e.ToString(),
    };
}
