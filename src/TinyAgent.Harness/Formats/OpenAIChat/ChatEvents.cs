using System.Text.Json;

namespace TinyAgent.Harness.Formats.OpenAIChat;

/// <summary>
/// Classifies each data frame of a Chat Completions body. A chunk can carry several things at once, so one rule decides,
/// in this order: <c>[DONE]</c> is <see cref="WireEventKind.End"/>; an <c>error</c> object <see cref="WireEventKind.Error"/>;
/// a chunk with no choice 0 (usage-only, Azure's empty <c>choices</c>) <see cref="WireEventKind.Other"/>; non-empty
/// <c>delta.content</c> <see cref="WireEventKind.TextDelta"/> (even when the chunk also has <c>role</c> or a
/// <c>finish_reason</c>: its text must count, or the ghost judge's give-up points would miss it); a
/// <c>tool_calls</c> piece <see cref="WireEventKind.BlockStart"/> for a call's first piece and
/// <see cref="WireEventKind.ToolDelta"/> for later ones (block <c>index + 1</c>, as <see cref="ChatReader"/> numbers
/// them); non-empty <c>reasoning</c>, <c>reasoning_content</c> or <c>refusal</c> <see cref="WireEventKind.OtherDelta"/>;
/// a <c>finish_reason</c> <see cref="WireEventKind.Finish"/>; <c>role</c> (the first chunk) <see cref="WireEventKind.Start"/>;
/// anything else (an empty delta, Azure's filter annotations, JSON that is not a chunk) <see cref="WireEventKind.Other"/>.
/// </summary>
internal static class ChatEvents
{
    public static IReadOnlyList<WireEvent> Classify(byte[] body, SseLayout layout)
    {
        var events = new List<WireEvent>();
        var started = new HashSet<int>();
        foreach (var frame in SseFrames.EventFrames(body, layout))
        {
            events.Add(Classify(frame, SseFrames.Data(body, frame), started));
        }

        return events;
    }

    private static WireEvent Classify(SseFrame frame, string data, HashSet<int> startedCalls)
    {
        if (data == ChatJson.Done)
        {
            return new WireEvent(frame, WireEventKind.End);
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(data);
        }
        catch (JsonException)
        {
            return new WireEvent(frame, WireEventKind.Other); // garbage
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return new WireEvent(frame, WireEventKind.Other);
            }

            if (ChatJson.Error(root) is not null)
            {
                return new WireEvent(frame, WireEventKind.Error);
            }

            if (ChatJson.FirstChoice(root) is not { } choice)
            {
                return new WireEvent(frame, WireEventKind.Other);
            }

            var delta = Json.Object(choice, "delta");
            if (delta is { } d && Json.String(d, "content") is { Length: > 0 } content)
            {
                return new WireEvent(frame, WireEventKind.TextDelta, ChatReader.TextBlock, "text", content);
            }

            if (delta is { } withCalls && Json.Array(withCalls, "tool_calls") is { } calls && calls.GetArrayLength() > 0
                && Json.Int(calls[0], "index") is int index and >= 0)
            {
                bool first = startedCalls.Add(index);
                return new WireEvent(frame, first ? WireEventKind.BlockStart : WireEventKind.ToolDelta, ChatReader.ToolBlock(index), "tool_use");
            }

            if (delta is { } other && (Json.String(other, "reasoning") is { Length: > 0 } || Json.String(other, "reasoning_content") is { Length: > 0 }
                || Json.String(other, "refusal") is { Length: > 0 }))
            {
                return new WireEvent(frame, WireEventKind.OtherDelta);
            }

            if (Json.String(choice, "finish_reason") is not null)
            {
                return new WireEvent(frame, WireEventKind.Finish);
            }

            return delta is { } start && start.TryGetProperty("role", out _)
                ? new WireEvent(frame, WireEventKind.Start)
                : new WireEvent(frame, WireEventKind.Other);
        }
    }
}
