using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using TinyAgent.Harness.Plan;
using TinyAgent.Harness.Plan.Faults;
using TinyAgent.Harness.Replay;
using TinyAgent.Harness.Tests.Faults;
using static TinyAgent.Harness.Tests.Server.ServerTestKit;

namespace TinyAgent.Harness.Tests.OpenAIChat;

/// <summary><c>POST /s/{scenario}/v1/chat/completions</c> over real TCP: auth, routes, errors, the stream byte for byte, <c>"stream": false</c>.</summary>
[Parallelizable(ParallelScope.Self)]
internal sealed class ChatRouteTests
{
    private const string Body = """{"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"hi"}]}""";
    private ReplayServer _server = null!;
    private HttpClient _client = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        static IReadOnlyList<ReplayPlan> One(ReplayPlan plan) => [plan];
        var perFrame = new PerFrameChunkingFault(new());
        _server = await TinyAgent.Harness.Tests.Server.ServerTestKit.StartAsync(new StaticScenarioSource(new Dictionary<string, IReadOnlyList<ReplayPlan>>
        {
            ["text"] = One(ChatStreams.Planned(ChatStreams.Text, perFrame)),
            ["tools"] = One(ChatStreams.Planned(ChatStreams.Tools, perFrame)),
            ["usage"] = One(ChatStreams.Planned(ChatStreams.Usage, perFrame)),
            ["vllm-error"] = One(ChatStreams.Planned(ChatStreams.VllmError, perFrame)),
            ["rate-limited"] = One(ChatStreams.Planned(ChatStreams.Text, new HttpErrorFault(new() { Status = 429, RetryAfterSeconds = 2, RateLimitHeaders = true }))),
            ["overloaded"] = One(ChatStreams.Planned(ChatStreams.Text, new HttpErrorFault(new() { Status = 503 }))),
            ["anthropic"] = One(TestStreams.Plan(TestStreams.Lf, perFrame)),
        }));
        _client = TinyAgent.Harness.Tests.Server.ServerTestKit.Client();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    private HttpRequestMessage Chat(string scenario, string body = Body, string? key = "sk-test-chat", string path = "/v1/chat/completions")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_server.ScenarioUrl(scenario) + path))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return request;
    }

    private async Task<(int Status, string Body, HttpResponseMessage Response)> PostAsync(HttpRequestMessage request)
    {
        using (request)
        {
            var response = await SendAsync(_client, request);
            string body = await response.Content.ReadAsStringAsync().WaitAsync(Bound);
            return ((int)response.StatusCode, body, response);
        }
    }

    [Test]
    public async Task The_stream_is_replayed_byte_for_byte_with_an_x_request_id()
    {
        using var request = Chat("text");
        using var response = await SendAsync(_client, request);
        var reads = await ReadAllAsync(response);

        Assert.That((int)response.StatusCode, Is.EqualTo(200));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/event-stream"));
        Assert.That(response.Headers.GetValues("x-request-id").Single(), Does.Match("^req_[0-9]{12}$"));
        Assert.That(response.Headers.Contains("request-id"), Is.False, "the Messages API's header name is not this API's");
        Assert.That(reads.Data, Is.EqualTo(ChatStreams.Text.Body));
        Assert.That(reads.Error, Is.Null);
    }

    [TestCase(null)]
    [TestCase("")]
    public async Task No_bearer_key_is_a_401_in_the_apis_error_shape(string? key)
    {
        var (status, body, response) = await PostAsync(Chat("text", key: key));

        Assert.That(status, Is.EqualTo(401));
        Assert.That(response.Headers.Contains("x-request-id"), Is.True, "every response carries it");
        Assert.That(body, Is.EqualTo("""{"error":{"message":"You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).","type":"invalid_request_error","param":null,"code":null}}"""));
    }

    [Test]
    public async Task A_missing_field_is_a_400_invalid_request_error()
    {
        var (status, body, _) = await PostAsync(Chat("text", body: """{"model":"gpt-4o","stream":true}"""));

        Assert.That(status, Is.EqualTo(400));
        Assert.That(body, Is.EqualTo("""{"error":{"message":"messages: field required.","type":"invalid_request_error","param":null,"code":null}}"""));
    }

    [Test]
    public async Task A_chat_scenario_asked_on_the_messages_path_names_the_chat_path()
    {
        using var request = Messages(_server.ScenarioUrl("text"));
        var (status, body, response) = await PostAsync(request);

        Assert.That(status, Is.EqualTo(404));
        Assert.That(response.Headers.Contains("request-id"), Is.True);
        using var doc = JsonDocument.Parse(body);
        Assert.That(doc.RootElement.GetProperty("error").GetProperty("message").GetString(), Is.EqualTo("Scenario 'text' replays openai-chat streams: POST /s/text/v1/chat/completions."));
    }

    [Test]
    public async Task A_messages_scenario_asked_on_the_chat_path_names_the_messages_path_in_this_apis_shape()
    {
        var (status, body, _) = await PostAsync(Chat("anthropic"));

        Assert.That(status, Is.EqualTo(404));
        Assert.That(body, Is.EqualTo("""{"error":{"message":"Scenario 'anthropic' replays anthropic streams: POST /s/anthropic/v1/messages.","type":"invalid_request_error","param":null,"code":null}}"""));
    }

    [Test]
    public async Task An_unknown_scenario_is_a_404_in_this_apis_shape()
    {
        var (status, body, _) = await PostAsync(Chat("nope"));

        Assert.That(status, Is.EqualTo(404));
        Assert.That(body, Does.StartWith("""{"error":{"message":"Unknown scenario 'nope'.","type":"invalid_request_error","""));
    }

    [Test]
    public async Task A_429_has_the_apis_type_code_and_rate_limit_headers_with_durations()
    {
        var (status, body, response) = await PostAsync(Chat("rate-limited"));

        Assert.That(status, Is.EqualTo(429));
        Assert.That(body, Is.EqualTo("""{"error":{"message":"Rate limit reached for requests. Please try again in 1s.","type":"requests","param":null,"code":"rate_limit_exceeded"}}"""));
        Assert.That(response.Headers.GetValues("retry-after").Single(), Is.EqualTo("2"));
        Assert.That(response.Headers.GetValues("x-ratelimit-remaining-requests").Single(), Is.EqualTo("0"));
        Assert.That(response.Headers.GetValues("x-ratelimit-reset-requests").Single(), Is.EqualTo("2s"));
        Assert.That(response.Headers.Contains("anthropic-ratelimit-requests-limit"), Is.False);
    }

    [Test]
    public async Task A_503_is_the_overloaded_server_error()
    {
        var (status, body, _) = await PostAsync(Chat("overloaded"));

        Assert.That(status, Is.EqualTo(503));
        Assert.That(body, Is.EqualTo("""{"error":{"message":"That model is currently overloaded with other requests. You can retry your request.","type":"server_error","param":null,"code":null}}"""));
    }

    [Test]
    public async Task Stream_false_gets_the_chat_completion_with_tool_calls()
    {
        var (status, body, response) = await PostAsync(Chat("tools", body: Body.Replace("true", "false", StringComparison.Ordinal)));

        Assert.That(status, Is.EqualTo(200));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
        Assert.That(body, Is.EqualTo(
            """{"id":"chatcmpl-Bj8fTest","object":"chat.completion","created":1750097775,"model":"gpt-4o-2024-08-06","choices":[{"index":0,"message":{"role":"assistant","content":null,"refusal":null""" +
            ""","tool_calls":[{"id":"call_A1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"São Paulo\",\"n\":4}"}},""" +
            """{"id":"call_B2","type":"function","function":{"name":"get_time","arguments":"{\"tz\":\"東京\"}"}}]},"logprobs":null,"finish_reason":"tool_calls"}],"system_fingerprint":"fp_test"}"""));
    }

    [Test]
    public async Task Stream_false_gets_text_and_usage_when_the_stream_had_a_usage_chunk()
    {
        var (status, body, _) = await PostAsync(Chat("usage", body: Body.Replace("true", "false", StringComparison.Ordinal)));

        Assert.That(status, Is.EqualTo(200));
        Assert.That(body, Is.EqualTo(
            """{"id":"chatcmpl-Bj8fTest","object":"chat.completion","created":1750097775,"model":"gpt-4o-2024-08-06","choices":[{"index":0,"message":{"role":"assistant","content":"Token counts last.","refusal":null}""" +
            ""","logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":19,"completion_tokens":3,"total_tokens":22},"system_fingerprint":"fp_test"}"""));
    }

    [Test]
    public async Task Stream_false_on_a_stream_with_an_error_answers_the_error_with_its_status()
    {
        var (status, body, _) = await PostAsync(Chat("vllm-error", body: Body.Replace("true", "false", StringComparison.Ordinal)));

        Assert.That(status, Is.EqualTo(500), "vLLM's numeric code is the status");
        Assert.That(body, Is.EqualTo("""{"error":{"message":"EngineCore encountered an issue.","type":"InternalServerError","param":null,"code":null}}"""));
    }
}
