using System.Net.ServerSentEvents;
using TinyAgent.Harness.Formats.Anthropic;
using TinyAgent.Harness.Formats.OpenAIChat;
using TinyAgent.Harness.Formats.OpenAIResponses;

namespace TinyAgent.Harness.Formats;

/// <summary>The formats the harness speaks; the one list a new format is added to.</summary>
internal static class WireFormats
{
    public static IWireFormat Anthropic { get; } = new AnthropicFormat();

    public static IWireFormat OpenAIChat { get; } = new OpenAIChatFormat();

    public static IWireFormat OpenAIResponses { get; } = new OpenAIResponsesFormat();

    public static IReadOnlyList<IWireFormat> All { get; } = [Anthropic, OpenAIChat, OpenAIResponses];

    public static IEnumerable<string> Names => All.Select(f => f.Name);

    public static IWireFormat? Find(string name) => All.FirstOrDefault(f => f.Name == name);

    /// <summary>
    /// The format of a body with no declared format: the first format that recognizes its first event
    /// (Anthropic when the body has none, e.g. an error reply).
    /// </summary>
    public static IWireFormat Detect(byte[] body)
    {
        using var stream = new MemoryStream(body, writable: false);
        foreach (var item in SseParser.Create(stream).Enumerate())
        {
            return All.FirstOrDefault(f => f.Recognizes(item.EventType, item.Data)) ?? Anthropic;
        }

        return Anthropic;
    }
}
