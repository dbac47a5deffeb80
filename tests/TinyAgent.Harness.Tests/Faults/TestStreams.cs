using System.Text;
using TinyAgent.Harness.Formats;
using TinyAgent.Harness.Plan;
using TinyAgent.Harness.Plan.Faults;
using TinyAgent.Harness.Recordings;

namespace TinyAgent.Harness.Tests.Faults;

/// <summary>Small hand-built streams that follow WIRE.md, so fault tests do not depend on the shipped recordings.</summary>
internal static class TestStreams
{
    /// <summary>LF line endings, one text block, a ping.</summary>
    public static Recording Lf { get; } = Make("lf", Body("\n", ["Hello", ", world", "!", " How", " are", " you?"], keepAlive: false, tool: false));

    /// <summary>CRLF line endings with <c>: keep-alive</c> comments between events, as a proxy re-encodes them.</summary>
    public static Recording Crlf { get; } = Make("crlf", Body("\r\n", ["Line one", " and two", " and three"], keepAlive: true, tool: false));

    /// <summary>CJK, emoji and accents: multi-byte UTF-8 everywhere, plus a tool_use block.</summary>
    public static Recording Unicode { get; } = Make("unicode", Body("\n", ["こんにちは", "世界 ", "🙂🎉", " café", " 中文"], keepAlive: false, tool: true));

    /// <summary>The LF stream with a recorded timeline: a read per frame, first after 300 ms, then 20 ms apart.</summary>
    public static Recording Timed { get; } = Lf with
    {
        Name = "timed",
        Meta = Lf.Meta with { Timeline = [.. Lf.Layout.Frames.Select((f, i) => new RecordedChunk(f.Start, 300 + (20 * i)))] },
    };

    public static IReadOnlyList<Recording> All { get; } = [Lf, Crlf, Unicode, Timed];

    public static ReplayPlan Plan(Recording recording, params IFault[] faults) => FaultPlanner.Plan(recording, faults, attempt: 1, seed: 42);

    public static byte[] Concat(ReplayPlan plan) => [.. plan.Chunks.SelectMany(c => c.Data.ToArray())];

    public static string Text(byte[] body) => Encoding.UTF8.GetString(body);

    /// <summary>The JSON <c>type</c> of each dispatched event of <paramref name="body"/>, null where the data is not JSON with one.</summary>
    public static List<string?> EventTypes(byte[] body) => [.. Formats.SseFrames.EventFrames(body, SseLayout.Parse(body))
        .Select(f =>
        {
            try
            {
                using var doc = System.Text.Json.JsonDocument.Parse(Formats.SseFrames.Data(body, f));
                return doc.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object && doc.RootElement.TryGetProperty("type", out var t) ? t.GetString() : null;
            }
            catch (System.Text.Json.JsonException)
            {
                return null;
            }
        })];

    private static Recording Make(string name, string body) => new(name, name + ".sse", Encoding.UTF8.GetBytes(body), RecordingMeta.Default);

    private static string Body(string eol, IReadOnlyList<string> texts, bool keepAlive, bool tool)
    {
        var sb = new StringBuilder();
        void Frame(string type, string json)
        {
            sb.Append($"event: {type}{eol}data: {json}{eol}{eol}");
            if (keepAlive)
            {
                sb.Append($": keep-alive{eol}{eol}");
            }
        }

        Frame("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_01Test\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-test\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":12,\"output_tokens\":1}}}");
        Frame("ping", "{\"type\": \"ping\"}");
        Frame("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}");
        foreach (string text in texts)
        {
            Frame("content_block_delta", $"{{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{{\"type\":\"text_delta\",\"text\":\"{text}\"}}}}");
        }

        Frame("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}");
        if (tool)
        {
            Frame("content_block_start", "{\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_01\",\"name\":\"lookup\",\"input\":{}}}");
            foreach (string piece in new[] { "", "{\\\"city\\\": \\\"東", "京\\\", \\\"n\\\": 4", "2}" })
            {
                Frame("content_block_delta", $"{{\"type\":\"content_block_delta\",\"index\":1,\"delta\":{{\"type\":\"input_json_delta\",\"partial_json\":\"{piece}\"}}}}");
            }

            Frame("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":1}");
        }

        Frame("message_delta", $"{{\"type\":\"message_delta\",\"delta\":{{\"stop_reason\":\"{(tool ? "tool_use" : "end_turn")}\",\"stop_sequence\":null}},\"usage\":{{\"output_tokens\":{texts.Count}}}}}");
        Frame("message_stop", "{\"type\":\"message_stop\"          }");
        return sb.ToString();
    }
}
