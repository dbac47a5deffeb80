using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using TinyAgent.Harness.Recordings;

namespace TinyAgent.Harness.Tests.OpenAIResponses;

/// <summary>
/// Small Responses streams built as WIRE-OPENAI.md "Responses" describes them (and as the captured ones look: every
/// event's JSON repeats its type and carries sequence_number from 0), so these tests do not depend on the recordings.
/// </summary>
internal static class ResponsesStreams
{
    /// <summary>One message, four text deltas with multi-byte UTF-8, <c>response.completed</c>.</summary>
    public static Recording Text { get; } = Make("responses-text", new Builder("\n").Created().Message(0, "msg_01", ["Hello", ", wörld", " 🌍", "!"]).Completed());

    /// <summary>The text stream in CRLF with a <c>: keep-alive</c> comment after every event, as a proxy re-encodes one.</summary>
    public static Recording Crlf { get; } = Make("responses-crlf", new Builder("\r\n", keepAlive: true).Created().Message(0, "msg_01", ["Line one", " and two", " and three"]).Completed());

    /// <summary>A function call whose arguments arrive in pieces cut anywhere, a multi-byte character included.</summary>
    public static Recording FunctionCall { get; } = Make("responses-function-call",
        new Builder("\n").Created().FunctionCall(0, "fc_01", "call_01", "get_weather", ["{\"cit", "y\":\"Reykj", "avík\",\"", "unit\":\"celsius\"}"]).Completed());

    /// <summary>A reasoning item with two summary parts, then the answer as output item 1.</summary>
    public static Recording Reasoning { get; } = Make("responses-reasoning",
        new Builder("\n").Created().Reasoning(0, "rs_01", [["**Multiplying**\n\nThe", " user wants 27 × 453."], ["Done: ", "12231."]])
            .Message(1, "msg_02", ["27 × 453", " = ", "12231"]).Completed());

    /// <summary>Text cut by the output limit: the item done with status incomplete, then <c>response.incomplete</c>.</summary>
    public static Recording Incomplete { get; } = Make("responses-incomplete",
        new Builder("\n").Created().Message(0, "msg_01", ["The three", " largest moons", " of Jupiter"], status: "incomplete").Incomplete("max_output_tokens"));

    /// <summary>Text, then <c>response.failed</c> with <c>server_error</c> while the message is still open.</summary>
    public static Recording Failed { get; } = Make("responses-failed",
        new Builder("\n").Created().Message(0, "msg_01", ["To rotate", " the keys"], status: null).Failed("server_error", "An error occurred while processing your request."));

    public static IReadOnlyList<Recording> All { get; } = [Text, Crlf, FunctionCall, Reasoning, Incomplete, Failed];

    private static Recording Make(string name, Builder body) => new(name, name + ".sse", Encoding.UTF8.GetBytes(body.ToString()), RecordingMeta.Default);

    /// <summary>Writes events in order, numbering them, and keeps each finished output item for the final response.</summary>
    private sealed class Builder(string eol, bool keepAlive = false)
    {
        private static readonly JsonSerializerOptions s_json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        private const string ResponseHead = "\"id\":\"resp_01\",\"object\":\"response\",\"created_at\":1756154357";
        private const string ResponseTail = "\"model\":\"gpt-4.1-2025-04-14\"";
        private readonly StringBuilder _body = new();
        private readonly List<string> _output = [];
        private int _sequence;

        public Builder Created()
        {
            Event("response.created", $"\"response\":{{{ResponseHead},\"status\":\"in_progress\",\"error\":null,\"incomplete_details\":null,\"max_output_tokens\":null,{ResponseTail},\"output\":[],\"usage\":null}}");
            Event("response.in_progress", $"\"response\":{{{ResponseHead},\"status\":\"in_progress\",\"error\":null,\"incomplete_details\":null,\"max_output_tokens\":null,{ResponseTail},\"output\":[],\"usage\":null}}");
            return this;
        }

        /// <summary>A message item; <paramref name="status"/> null leaves it open (no .done events).</summary>
        public Builder Message(int index, string id, IReadOnlyList<string> deltas, string? status = "completed")
        {
            string where = $"\"item_id\":\"{id}\",\"output_index\":{index},\"content_index\":0";
            Event("response.output_item.added", $"\"output_index\":{index},\"item\":{{\"id\":\"{id}\",\"type\":\"message\",\"status\":\"in_progress\",\"content\":[],\"role\":\"assistant\"}}");
            Event("response.content_part.added", $"{where},\"part\":{{\"type\":\"output_text\",\"annotations\":[],\"logprobs\":[],\"text\":\"\"}}");
            foreach (string delta in deltas)
            {
                Event("response.output_text.delta", $"{where},\"delta\":{Q(delta)},\"logprobs\":[]");
            }

            if (status is null)
            {
                return this;
            }

            string text = Q(string.Concat(deltas));
            string part = $"{{\"type\":\"output_text\",\"annotations\":[],\"logprobs\":[],\"text\":{text}}}";
            Event("response.output_text.done", $"{where},\"text\":{text},\"logprobs\":[]");
            Event("response.content_part.done", $"{where},\"part\":{part}");
            string item = $"{{\"id\":\"{id}\",\"type\":\"message\",\"status\":\"{status}\",\"content\":[{part}],\"role\":\"assistant\"}}";
            Event("response.output_item.done", $"\"output_index\":{index},\"item\":{item}");
            _output.Add(item);
            return this;
        }

        public Builder FunctionCall(int index, string id, string callId, string name, IReadOnlyList<string> pieces)
        {
            string where = $"\"item_id\":\"{id}\",\"output_index\":{index}";
            Event("response.output_item.added", $"\"output_index\":{index},\"item\":{{\"id\":\"{id}\",\"type\":\"function_call\",\"status\":\"in_progress\",\"arguments\":\"\",\"call_id\":\"{callId}\",\"name\":\"{name}\"}}");
            foreach (string piece in pieces)
            {
                Event("response.function_call_arguments.delta", $"{where},\"delta\":{Q(piece)}");
            }

            string arguments = Q(string.Concat(pieces));
            Event("response.function_call_arguments.done", $"{where},\"arguments\":{arguments}");
            string item = $"{{\"id\":\"{id}\",\"type\":\"function_call\",\"status\":\"completed\",\"arguments\":{arguments},\"call_id\":\"{callId}\",\"name\":\"{name}\"}}";
            Event("response.output_item.done", $"\"output_index\":{index},\"item\":{item}");
            _output.Add(item);
            return this;
        }

        public Builder Reasoning(int index, string id, IReadOnlyList<IReadOnlyList<string>> parts)
        {
            Event("response.output_item.added", $"\"output_index\":{index},\"item\":{{\"id\":\"{id}\",\"type\":\"reasoning\",\"summary\":[]}}");
            var summary = new List<string>();
            for (int s = 0; s < parts.Count; s++)
            {
                string where = $"\"item_id\":\"{id}\",\"output_index\":{index},\"summary_index\":{s}";
                Event("response.reasoning_summary_part.added", $"{where},\"part\":{{\"type\":\"summary_text\",\"text\":\"\"}}");
                foreach (string delta in parts[s])
                {
                    Event("response.reasoning_summary_text.delta", $"{where},\"delta\":{Q(delta)}");
                }

                string text = Q(string.Concat(parts[s]));
                Event("response.reasoning_summary_text.done", $"{where},\"text\":{text}");
                Event("response.reasoning_summary_part.done", $"{where},\"part\":{{\"type\":\"summary_text\",\"text\":{text}}}");
                summary.Add($"{{\"type\":\"summary_text\",\"text\":{text}}}");
            }

            string item = $"{{\"id\":\"{id}\",\"type\":\"reasoning\",\"summary\":[{string.Join(',', summary)}]}}";
            Event("response.output_item.done", $"\"output_index\":{index},\"item\":{item}");
            _output.Add(item);
            return this;
        }

        public Builder Completed() => End("response.completed", "\"status\":\"completed\",\"error\":null,\"incomplete_details\":null,\"max_output_tokens\":null");

        public Builder Incomplete(string reason) =>
            End("response.incomplete", $"\"status\":\"incomplete\",\"error\":null,\"incomplete_details\":{{\"reason\":\"{reason}\"}},\"max_output_tokens\":16");

        public Builder Failed(string code, string message)
        {
            _output.Clear(); // a failed response lists no output (as captured)
            return End("response.failed", $"\"status\":\"failed\",\"error\":{{\"code\":\"{code}\",\"message\":{Q(message)}}},\"incomplete_details\":null,\"max_output_tokens\":null", usage: "null");
        }

        public override string ToString() => _body.ToString();

        private Builder End(string type, string state, string usage = "{\"input_tokens\":12,\"input_tokens_details\":{\"cached_tokens\":0},\"output_tokens\":16,\"output_tokens_details\":{\"reasoning_tokens\":0},\"total_tokens\":28}")
        {
            Event(type, $"\"response\":{{{ResponseHead},{state},{ResponseTail},\"output\":[{string.Join(',', _output)}],\"usage\":{usage}}}");
            return this;
        }

        private void Event(string type, string fields)
        {
            _body.Append($"event: {type}{eol}data: {{\"type\":\"{type}\",\"sequence_number\":{_sequence++},{fields}}}{eol}{eol}");
            if (keepAlive)
            {
                _body.Append($": keep-alive{eol}{eol}");
            }
        }

        private static string Q(string s) => JsonSerializer.Serialize(s, s_json);
    }
}
