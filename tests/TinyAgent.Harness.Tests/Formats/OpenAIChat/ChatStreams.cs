using System.Text;
using TinyAgent.Harness.Plan;
using TinyAgent.Harness.Plan.Faults;
using TinyAgent.Harness.Recordings;

// Not Tests.Formats.*: that namespace would shadow the Formats. prefix the other tests use for the harness's own.
namespace TinyAgent.Harness.Tests.OpenAIChat;

/// <summary>
/// Small hand-built Chat Completions streams that follow WIRE-OPENAI.md (the captured example's fields, vLLM's error
/// ending, Azure's empty-choices chunks, the usage chunk), so these tests depend on no shipped recording.
/// </summary>
internal static class ChatStreams
{
    public const string Id = "chatcmpl-Bj8fTest";

    /// <summary>Role chunk, six text pieces, an empty-delta <c>stop</c> chunk, <c>[DONE]</c>; LF.</summary>
    public static Recording Text { get; } = Make("chat-text", Body("\n", [Role(), .. Texts("Hello", ", world", "!", " How", " are", " you?"), Finish("stop")]));

    /// <summary>Two parallel calls: each call's first piece has id, type, name and <c>arguments: ""</c>, later pieces only index and a fragment.</summary>
    public static Recording Tools { get; } = Make("chat-tools", Body("\n",
    [
        Chunk("""{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_A1","type":"function","function":{"name":"get_weather","arguments":""}}],"refusal":null}"""),
        Piece(0, """{\"cit"""), Piece(0, """y\":\"São Pau"""), Piece(0, """lo\",\"n\":"""), Piece(0, "4}"),
        Chunk("""{"tool_calls":[{"index":1,"id":"call_B2","type":"function","function":{"name":"get_time","arguments":""}}]}"""),
        Piece(1, """{\"tz\":"""), Piece(1, """\"東京\"}"""),
        Finish("tool_calls"),
    ]));

    /// <summary><c>include_usage</c>: <c>"usage": null</c> and padding on every chunk, then a usage chunk with empty choices before <c>[DONE]</c>.</summary>
    public static Recording Usage { get; } = Make("chat-usage", Body("\n",
    [
        .. WithUsageNull([Role(), .. Texts("Token", " counts", " last."), Finish("stop")]),
        $$"""{"id":"{{Id}}","object":"chat.completion.chunk","created":1750097775,"model":"gpt-4o-2024-08-06","system_fingerprint":"fp_test","choices":[],"usage":{"prompt_tokens":19,"completion_tokens":3,"total_tokens":22},"obfuscation":"zU"}""",
    ]));

    /// <summary>Azure: an empty-choices prompt-filter chunk first, a filter annotation without delta mid-stream and after the finish.</summary>
    public static Recording Azure { get; } = Make("chat-azure", Body("\n",
    [
        """{"choices":[],"created":0,"id":"","model":"","object":"","prompt_filter_results":[{"prompt_index":0,"content_filter_results":{}}]}""",
        Role(), .. Texts("Azure", " filters"),
        """{"choices":[{"content_filter_offsets":{"check_offset":0,"end_offset":14,"start_offset":0},"content_filter_results":{},"finish_reason":null,"index":0}],"created":0,"id":"","model":"","object":""}""",
        .. Texts(" too."), Finish("stop"),
        """{"choices":[{"content_filter_results":{},"finish_reason":null,"index":0}],"created":0,"id":"","model":"","object":""}""",
    ]));

    /// <summary>vLLM failing mid-stream: an error object with a numeric code, then <c>[DONE]</c>; the spaces are vLLM's <c>json.dumps</c>.</summary>
    public static Recording VllmError { get; } = Make("chat-vllm-error", Body("\n",
        [Role(), .. Texts("The migration", " has")],
        tail: """data: {"error": {"message": "EngineCore encountered an issue.", "type": "InternalServerError", "param": null, "code": 500}}""" + "\n\ndata: [DONE]\n\n"));

    /// <summary>CRLF, <c>data:</c> without the space, and OpenRouter's comment keepalives between chunks.</summary>
    public static Recording CrlfComments { get; } = Make("chat-crlf", Body("\r\n", [Role(), .. Texts("Line one", " and two"), Finish("stop")], comment: ": OPENROUTER PROCESSING", noSpace: true));

    /// <summary>Reasoning before content: <c>reasoning</c> (newer vLLM, Ollama) and <c>reasoning_content</c> (DeepSeek), then a refusal piece.</summary>
    public static Recording Reasoning { get; } = Make("chat-reasoning", Body("\n",
    [
        Role(), Chunk("""{"reasoning":"Let me think."}"""), Chunk("""{"reasoning_content":"Still thinking."}"""),
        .. Texts("Answer", "."), Chunk("""{"refusal":"no comment"}"""), Finish("stop"),
    ]));

    public static IReadOnlyList<Recording> All { get; } = [Text, Tools, Usage, Azure, VllmError, CrlfComments, Reasoning];

    public static ReplayPlan Planned(Recording recording, params IFault[] faults) => FaultPlanner.Plan(recording, faults, attempt: 1, seed: 42);

    public static string Chunk(string delta, string finish = "null") =>
        $$"""{"id":"{{Id}}","object":"chat.completion.chunk","created":1750097775,"model":"gpt-4o-2024-08-06","system_fingerprint":"fp_test","choices":[{"index":0,"delta":{{delta}},"logprobs":null,"finish_reason":{{finish}}}]}""";

    public static string Role() => Chunk("""{"role":"assistant","content":"","refusal":null}""");

    public static IEnumerable<string> Texts(params string[] pieces) => pieces.Select(p => Chunk($$"""{"content":"{{p}}"}"""));

    public static string Finish(string reason) => Chunk("{}", $"\"{reason}\"");

    public static string Utf8(byte[] body) => Encoding.UTF8.GetString(body);

    /// <summary>Saves every stream (with a sidecar naming the format) into <paramref name="folder"/>.</summary>
    public static void WriteAll(string folder, IEnumerable<Recording>? recordings = null)
    {
        foreach (var recording in recordings ?? All)
        {
            RecordingWriter.Write(Path.Combine(folder, recording.Name + RecordingLoader.Extension), recording.Body, recording.Meta);
        }
    }

    private static IEnumerable<string> WithUsageNull(IEnumerable<string> chunks) => chunks.Select(c => c[..^1] + ""","usage":null,"obfuscation":"hJT"}""");

    private static string Piece(int index, string arguments) => Chunk($$$"""{"tool_calls":[{"index":{{{index}}},"function":{"arguments":"{{{arguments}}}"}}]}""");

    private static Recording Make(string name, string body) =>
        new(name, name + ".sse", Encoding.UTF8.GetBytes(body), RecordingMeta.Default with { Format = "openai-chat" });

    private static string Body(string eol, IEnumerable<string> chunks, string? tail = null, string? comment = null, bool noSpace = false)
    {
        var sb = new StringBuilder();
        foreach (string chunk in chunks)
        {
            sb.Append(noSpace ? "data:" : "data: ").Append(chunk).Append(eol).Append(eol);
            if (comment is not null)
            {
                sb.Append(comment).Append(eol).Append(eol);
            }
        }

        return sb.Append(tail ?? $"data: [DONE]{eol}{eol}").ToString();
    }
}
