using System.Text;
using System.Text.Json;
using TinyAgent.Harness.Formats;
using TinyAgent.Harness.Formats.Anthropic;
using TinyAgent.Harness.Plan;
using static TinyAgent.Harness.Tests.Server.ServerTestKit;

namespace TinyAgent.Harness.Tests.Server;

internal sealed class NonStreamingReplyTests
{
    private const string ToolAndThinking =
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_7\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-x\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":5,\"output_tokens\":1}}}\n\n" +
        "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}}\n\n" +
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"Let me \"}}\n\n" +
        "event: ping\ndata: {\"type\": \"ping\"}\n\n" +
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"think.\"}}\n\n" +
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"signature_delta\",\"signature\":\"sig==\"}}\n\n" +
        "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n" +
        "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"get_weather\",\"input\":{}}}\n\n" +
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"\"}}\n\n" +
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"city\\\": \\\"Par\"}}\n\n" +
        "event: future_event\ndata: {\"type\":\"future_event\"}\n\n" +
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"is\\\", \\\"days\\\": 1\"}}\n\n" +
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"2}\"}}\n\n" +
        "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":1}\n\n" +
        "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":30}}\n\n" +
        "event: message_stop\ndata: {\"type\":\"message_stop\"              }\n\n";

    [Test]
    public void Assembler_folds_thinking_tool_input_and_stop_reason_into_one_message()
    {
        var assembled = MessageAssembler.Assemble(Encoding.UTF8.GetBytes(ToolAndThinking));

        Assert.That(assembled.ErrorType, Is.Null);
        Assert.That(
            assembled.Message!.ToJsonString(),
            Is.EqualTo("{\"id\":\"msg_7\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-x\",\"content\":[" +
                "{\"type\":\"thinking\",\"thinking\":\"Let me think.\",\"signature\":\"sig==\"}," +
                "{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"get_weather\",\"input\":{\"city\":\"Paris\",\"days\":12}}]," +
                "\"stop_reason\":\"tool_use\",\"stop_sequence\":null,\"usage\":{\"input_tokens\":5,\"output_tokens\":30}}"));
    }

    [Test]
    public void Assembler_reports_an_error_event_instead_of_a_message()
    {
        string body = ToolAndThinking[..ToolAndThinking.IndexOf("event: content_block_start", StringComparison.Ordinal)] +
            "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n";

        var assembled = MessageAssembler.Assemble(Encoding.UTF8.GetBytes(body));

        Assert.That((assembled.Message, assembled.ErrorType, assembled.ErrorMessage), Is.EqualTo((null as object, "overloaded_error", "Overloaded")));
        Assert.That(ApiError.StatusFor("overloaded_error"), Is.EqualTo(529));
    }

    [Test]
    public async Task Stream_false_gets_the_recording_assembled_into_one_json_message()
    {
        byte[] body = TextStream(4, "ab");
        await using var server = await StartAsync(StaticScenarioSource.Of("whole", PlanOf(body, PerFrame)));
        using var client = ServerTestKit.Client();

        using var response = await SendAsync(client, Messages(server.ScenarioUrl("whole"), stream: false));
        string json = await response.Content.ReadAsStringAsync().WaitAsync(Bound);

        Assert.That((int)response.StatusCode, Is.EqualTo(200));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
        using var document = JsonDocument.Parse(json);
        var message = document.RootElement;
        Assert.That(message.GetProperty("type").GetString(), Is.EqualTo("message"));
        Assert.That(message.GetProperty("content")[0].GetProperty("text").GetString(), Is.EqualTo("ab0ab1ab2ab3"));
        Assert.That(message.GetProperty("stop_reason").GetString(), Is.EqualTo("end_turn"));
        Assert.That(message.GetProperty("usage").GetProperty("output_tokens").GetInt32(), Is.EqualTo(42));
        var evidence = await server.WaitForCompletionAsync("whole", 1, CancellationToken.None).WaitAsync(Bound);
        Assert.That(evidence.BytesSent, Is.EqualTo(Encoding.UTF8.GetByteCount(json)));
    }
}
