using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TinyAgent.Harness.Formats.OpenAIChat;

/// <summary>The frames the content faults write into a Chat Completions stream, each in the shape servers send (WIRE-OPENAI.md).</summary>
internal static class ChatFaultFrames
{
    /// <summary>Azure's prompt-filter chunk: empty <c>choices</c>, blank id and model (WIRE-OPENAI.md, Azure).</summary>
    private const string AzureFilterChunk =
        "{\"choices\":[],\"created\":0,\"id\":\"\",\"model\":\"\",\"object\":\"\",\"prompt_filter_results\":[{\"prompt_index\":0,\"content_filter_results\":" +
        "{\"hate\":{\"filtered\":false,\"severity\":\"safe\"},\"self_harm\":{\"filtered\":false,\"severity\":\"safe\"}," +
        "\"sexual\":{\"filtered\":false,\"severity\":\"safe\"},\"violence\":{\"filtered\":false,\"severity\":\"safe\"}}}]}";

    /// <summary>Fields no version of the API sends yet: at the chunk's top level, and inside its delta.</summary>
    private static readonly byte[] s_unknownField = "\"future_field\":{\"kind\":\"future\"},"u8.ToArray();
    private static readonly byte[] s_unknownDeltaField = "\"future_delta_field\":\"ignore me\""u8.ToArray();

    /// <summary>
    /// vLLM's ending for an error met mid-stream: <c>data: {"error": {...}}</c>, then <c>data: [DONE]</c> (WIRE-OPENAI.md).
    /// The code is null: the fault names a type, not an HTTP status.
    /// </summary>
    public static byte[] ErrorEnding(string type, string message, string eol)
    {
        return [.. SseFrames.DataFrame(Encoding.UTF8.GetString(OpenAIError.Write(message, type, code: null)), eol), .. Done(eol)];
    }

    /// <summary>
    /// The choice's last chunk with <c>finish_reason: "length"</c> and an empty delta, then <c>data: [DONE]</c>. The chunk
    /// copies the top-level fields of the stream's own chunks (id, created, model, system_fingerprint... in their order),
    /// so it reads as the same completion; <c>usage</c> stays null as on every chunk but the usage chunk, which is not sent.
    /// </summary>
    public static byte[] LengthEnding(IReadOnlyList<WireEvent> before, byte[] body, string eol)
    {
        var template = Template(before, body) ?? Template(ChatEvents.Classify(body, SseLayout.Parse(body)), body);
        var chunk = new JsonObject();
        var choices = new JsonArray(new JsonObject
        {
            ["index"] = 0,
            ["delta"] = new JsonObject(),
            ["logprobs"] = null,
            ["finish_reason"] = "length",
        });
        if (template is null)
        {
            chunk["id"] = "chatcmpl-harness";
            chunk["object"] = "chat.completion.chunk";
            chunk["created"] = 0;
            chunk["model"] = "unknown";
        }
        else
        {
            foreach (var (name, value) in template)
            {
                switch (name)
                {
                    case "choices":
                        chunk[name] = choices;
                        break;
                    case "usage":
                        chunk[name] = null;
                        break;
                    case "obfuscation":
                        break; // padding that varies per chunk: left out rather than invented
                    default:
                        chunk[name] = value?.DeepClone();
                        break;
                }
            }
        }

        if (!chunk.ContainsKey("choices"))
        {
            chunk["choices"] = choices;
        }

        return [.. SseFrames.DataFrame(chunk.ToJsonString(Json.ApiOptions), eol), .. Done(eol)];
    }

    /// <summary>
    /// What a correct client ignores and a strict one chokes on: Azure's empty-<c>choices</c> chunk at <paramref name="at"/>
    /// (clients that index <c>choices[0]</c> crash on it), and unknown fields at the top level and inside the delta of the
    /// first chunk that carries a choice at or after <paramref name="at"/>.
    /// </summary>
    public static IReadOnlyList<(int At, byte[] Bytes)> UnknownTypes(IReadOnlyList<WireEvent> events, byte[] body, int at, string eol)
    {
        var inserts = new List<(int, byte[])> { (at, SseFrames.DataFrame(AzureFilterChunk, eol)) };
        var target = events.FirstOrDefault(e => e.Frame.Start >= at && CarriesChoice(e.Kind))
            ?? events.LastOrDefault(e => CarriesChoice(e.Kind));
        var line = target?.Frame.Lines.FirstOrDefault(l => SseFrames.IsDataLine(body, l));
        if (line is not { } data)
        {
            return inserts;
        }

        int value = SseFrames.DataValueStart(body, data);
        int end = data.Start + data.Length;
        if (value < end && body[value] == (byte)'{')
        {
            inserts.Add((value + 1, s_unknownField));
        }

        int delta = body.AsSpan(value, end - value).IndexOf("\"delta\":{"u8);
        if (delta >= 0)
        {
            int inside = value + delta + "\"delta\":{".Length;
            bool empty = inside < end && body[inside] == (byte)'}';
            inserts.Add((inside, empty ? s_unknownDeltaField : [.. s_unknownDeltaField, (byte)',']));
        }

        return inserts;
    }

    /// <summary>A chunk of a known shape whose JSON breaks off inside a string.</summary>
    public static byte[] InvalidJsonFrame(string eol) => Encoding.UTF8.GetBytes(
        $"data: {{\"id\":\"chatcmpl-harness\",\"object\":\"chat.completion.chunk\",\"created\":0,\"model\":\"unknown\",\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"unterminated{eol}{eol}");

    public static byte[] Done(string eol) => SseFrames.DataFrame(ChatJson.Done, eol);

    private static bool CarriesChoice(WireEventKind kind) => kind is WireEventKind.Start or WireEventKind.BlockStart or WireEventKind.TextDelta
        or WireEventKind.ToolDelta or WireEventKind.OtherDelta or WireEventKind.Finish;

    /// <summary>The last chunk among <paramref name="events"/> that names its completion (a non-empty <c>id</c>): Azure's filter chunks do not.</summary>
    private static JsonObject? Template(IReadOnlyList<WireEvent> events, byte[] body)
    {
        for (int i = events.Count - 1; i >= 0; i--)
        {
            if (!CarriesChoice(events[i].Kind))
            {
                continue;
            }

            try
            {
                if (JsonNode.Parse(SseFrames.Data(body, events[i].Frame)) is JsonObject chunk
                    && chunk["id"] is JsonValue id && id.TryGetValue(out string? named) && named.Length > 0)
                {
                    return chunk;
                }
            }
            catch (JsonException)
            {
                // not a chunk after all
            }
        }

        return null;
    }
}
