using System.Text;
using System.Text.Json;

namespace TinyAgent.Client.Tests.Support;

/// <summary>Bundled-style SSE bodies (LF endings, the quirks of the real wire), kept here while recordings/ is being written.</summary>
internal static class Streams
{
    private const string Start = """
        event: message_start
        data: {"type":"message_start","message":{"id":"msg_01Test","type":"message","role":"assistant","model":"claude-test","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":12,"output_tokens":1,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"service_tier":"standard"}}}


        """;

    /// <summary>Text with multi-byte characters, JSON escapes, a spaced ping, a comment and padded JSON.</summary>
    public static readonly string Text = Start + """
        event: ping
        data: {"type": "ping"}

        : keep-alive

        event: content_block_start
        data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Héllo, "}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"日本語 🙂"}}

        event: content_block_delta
        data: {"index":0,"delta":{"text":" line\nnext \"quoted\" \u00e9","type":"text_delta"},"type":"content_block_delta"}

        event: content_block_stop
        data: {"type":"content_block_stop","index":0             }

        event: message_delta
        data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":9}}

        event: message_stop
        data: {"type":"message_stop"              }


        """;

    public const string TextContent = "Héllo, 日本語 🙂 line\nnext \"quoted\" é";

    /// <summary>A text block then a tool_use whose input arrives in pieces cut inside strings and numbers.</summary>
    public static readonly string ToolUse = Start + """
        event: content_block_start
        data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Checking."}}

        event: content_block_stop
        data: {"type":"content_block_stop","index":0}

        event: content_block_start
        data: {"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_01A","name":"get_weather","input":{}}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":""}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"city\": \"San Fr"}}

        event: ping
        data: {"type": "ping"}

        event: content_block_delta
        data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"ancisco\", \"days\": 1"}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"4}"}}

        event: content_block_stop
        data: {"type":"content_block_stop","index":1}

        event: message_delta
        data: {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":40}}

        event: message_stop
        data: {"type":"message_stop"}


        """;

    /// <summary>Thinking with signature, redacted thinking, then text.</summary>
    public static readonly string Thinking = Start + """
        event: content_block_start
        data: {"type":"content_block_start","index":0,"content_block":{"type":"thinking","thinking":"","signature":""}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":"Let me think"}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"thinking_delta","thinking":" step by step."}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"signature_delta","signature":"EqQBCgIYAhIM"}}

        event: content_block_stop
        data: {"type":"content_block_stop","index":0}

        event: content_block_start
        data: {"type":"content_block_start","index":1,"content_block":{"type":"redacted_thinking","data":"EmwKAhgBEgy3va3pzix"}}

        event: content_block_stop
        data: {"type":"content_block_stop","index":1}

        event: content_block_start
        data: {"type":"content_block_start","index":2,"content_block":{"type":"text","text":""}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":2,"delta":{"type":"text_delta","text":"27"}}

        event: content_block_stop
        data: {"type":"content_block_stop","index":2}

        event: message_delta
        data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":30}}

        event: message_stop
        data: {"type":"message_stop"}


        """;

    /// <summary>Cut off by max_tokens: looks like a normal end unless stop_reason is read.</summary>
    public static readonly string MaxTokens = Start + """
        event: content_block_start
        data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"The answer is"}}

        event: content_block_stop
        data: {"type":"content_block_stop","index":0}

        event: message_delta
        data: {"type":"message_delta","delta":{"stop_reason":"max_tokens","stop_sequence":null},"usage":{"output_tokens":4}}

        event: message_stop
        data: {"type":"message_stop"}


        """;

    /// <summary>New event and delta types the client must count and ignore.</summary>
    public static readonly string Unknown = Start + """
        event: content_block_start
        data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

        event: future_event
        data: {"type":"future_event","payload":{"x":[1,2,3]}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"future_delta","stuff":"?"}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"ok"}}

        event: content_block_stop
        data: {"type":"content_block_stop","index":0}

        event: message_delta
        data: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":2}}

        event: message_stop
        data: {"type":"message_stop"}


        """;

    /// <summary>The text stream up to (and including) its first delta, then an in-stream error.</summary>
    public static readonly string Error = Start + """
        event: content_block_start
        data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

        event: content_block_delta
        data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Partial"}}

        event: error
        data: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded","details":null},"request_id":"req_in_stream"}


        """;

    public static string Head => Start + """
        event: content_block_start
        data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}


        """;

    public static string Delta(string text) =>
        $"event: content_block_delta\ndata: {{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{{\"type\":\"text_delta\",\"text\":{JsonSerializer.Serialize(text)}}}}}\n\n";

    public const string Ping = "event: ping\ndata: {\"type\": \"ping\"}\n\n";

    public static string Tail(string stopReason = "end_turn") => $$$"""
        event: content_block_stop
        data: {"type":"content_block_stop","index":0}

        event: message_delta
        data: {"type":"message_delta","delta":{"stop_reason":"{{{stopReason}}}","stop_sequence":null},"usage":{"output_tokens":5}}

        event: message_stop
        data: {"type":"message_stop"}


        """;

    public static IReadOnlyList<string> All => [Text, ToolUse, Thinking, MaxTokens, Unknown];

    public static string WithLineEnding(string lfBody, string ending) => lfBody.Replace("\n", ending, StringComparison.Ordinal);

    public static byte[] Bytes(string body) => Encoding.UTF8.GetBytes(body);
}
