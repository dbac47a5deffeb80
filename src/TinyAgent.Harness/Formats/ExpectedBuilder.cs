using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;
using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Formats;

/// <summary>What a reference reader has read of a body so far, field by field of the <see cref="ExpectedResult"/> it comes to.</summary>
internal sealed class ExpectedBuilder
{
    private readonly SortedDictionary<int, (string Type, StringBuilder Text)> _blocks = [];

    public string? StopReason { get; set; }

    public bool HasMessageStart { get; set; }

    public bool HasMessageStop { get; set; }

    public string? ErrorType { get; set; }

    public int TextDeltaCount { get; set; }

    public int EventCount { get; set; }

    /// <summary>
    /// The events of <paramref name="body"/> as a reader whose format has no <c>[DONE]</c> takes them, counted: <see cref="SseParser"/>
    /// framing, a gateway's <c>[DONE]</c> passed over, each one's data one JSON object (valid until the next is taken).
    /// </summary>
    public IEnumerable<(int Event, string EventName, JsonElement Root)> Events(byte[] body)
    {
        foreach (var item in SseParser.Create(new MemoryStream(body, writable: false)).Enumerate())
        {
            if (item.Data == "[DONE]")
            {
                continue; // a gateway's end marker (Azure APIM, LiteLLM): not an event of the format, a correct client ignores it
            }

            int number = ++EventCount;
            using var doc = Json.ParseEvent(item.Data, $"event {number} ({item.EventType})");
            yield return (number, item.EventType, doc.RootElement);
        }
    }

    public void StartBlock(int index, string type, string text) => _blocks[index] = (type, new StringBuilder(text));

    /// <summary>The text of a started block, to append its deltas to; null when the block never started.</summary>
    public StringBuilder? Block(int index) => _blocks.TryGetValue(index, out var block) ? block.Text : null;

    /// <summary>The text of a block, started empty when new: for a format whose first delta opens its block (Chat Completions).</summary>
    public StringBuilder OpenBlock(int index, string type) => Block(index) ?? (_blocks[index] = (type, new StringBuilder())).Text;

    /// <summary>The blocks in index order.</summary>
    public ExpectedResult Build() => new(
        [.. _blocks.Select(kv => new ExpectedBlock(kv.Key, kv.Value.Type, kv.Value.Text.ToString()))],
        StopReason,
        HasMessageStart,
        HasMessageStop,
        ErrorType,
        TextDeltaCount,
        EventCount);
}
