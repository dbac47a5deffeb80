using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TinyAgent.Harness.Plan;
using TinyAgent.Harness.Plan.Faults;
using TinyAgent.Harness.Formats.OpenAIResponses;
using TinyAgent.Harness.Replay;
using TinyAgent.Harness.Tests.Server;
using static TinyAgent.Harness.Tests.Server.ServerTestKit;

namespace TinyAgent.Harness.Tests.OpenAIResponses;

/// <summary><c>POST /v1/responses</c> over real TCP on 127.0.0.1: auth, errors, x-request-id, the stream byte for byte, <c>"stream": false</c>.</summary>
internal sealed class ResponsesRouteTests
{
    private const string Body = "{\"model\":\"gpt-4.1\",\"input\":\"hi\",\"stream\":true}";
    private ReplayServer _server = null!;
    private HttpClient _client = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _server = await ServerTestKit.StartAsync(new StaticScenarioSource(new Dictionary<string, IReadOnlyList<ReplayPlan>>
        {
            ["text"] = [PlanOf(ResponsesStreams.Text.Body, PerFrame)],
            ["failed"] = [PlanOf(ResponsesStreams.Failed.Body, PerFrame)],
            ["limited"] = [FaultPlanner.Plan(ResponsesStreams.Text, [new HttpErrorFault(new() { Status = 429, RetryAfterSeconds = 360, RateLimitHeaders = true })], attempt: 1, seed: 3)],
        }));
        _client = ServerTestKit.Client();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    private HttpRequestMessage Request(string scenario, string body = Body, string? key = Key, string path = "/v1/responses")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_server.ScenarioUrl(scenario) + path))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        return request;
    }

    private static async Task<JsonNode> JsonAsync(HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync().WaitAsync(Bound))!;

    [Test]
    public async Task The_stream_is_replayed_byte_for_byte_with_an_x_request_id()
    {
        using var response = await SendAsync(_client, Request("text"));
        var reads = await ReadAllAsync(response);

        Assert.That((int)response.StatusCode, Is.EqualTo(200));
        Assert.That(reads.Data, Is.EqualTo(ResponsesStreams.Text.Body));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/event-stream"));
        Assert.That(response.Headers.GetValues("x-request-id").Single(), Does.StartWith("req_"));
        Assert.That(response.Headers.Contains("request-id"), Is.False, "Anthropic's header is not OpenAI's");
    }

    [TestCase(null)]
    [TestCase("")]
    public async Task Without_a_bearer_key_it_is_401_in_the_apis_error_shape(string? key)
    {
        using var request = Request("text", key: null);
        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + key);
        }

        request.Headers.Add("x-api-key", Key); // Anthropic's header does not count here
        using var response = await SendAsync(_client, request);
        string json = await response.Content.ReadAsStringAsync();

        Assert.That((int)response.StatusCode, Is.EqualTo(401));
        Assert.That(response.Headers.GetValues("x-request-id").Single(), Does.StartWith("req_"));
        Assert.That(json, Is.EqualTo("{\"error\":{\"message\":\"You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"invalid_api_key\"}}"));
    }

    [TestCase("{\"input\":\"hi\"}", "model: field required.")]
    [TestCase("{\"model\":\"gpt-4.1\"}", "input: field required.")]
    [TestCase("{\"model\":\"gpt-4.1\",\"input\":3}", "input: expected a string or an array.")]
    [TestCase("{\"model\":\"gpt-4.1\",\"input\":[],\"stream\":\"yes\"}", "stream: expected a boolean.")]
    [TestCase("", "Request body is empty; expected a JSON object with model and input.")]
    public async Task A_bad_body_is_400_invalid_request_error(string body, string message)
    {
        using var response = await SendAsync(_client, Request("text", body));
        var error = (await JsonAsync(response))["error"]!;

        Assert.That((int)response.StatusCode, Is.EqualTo(400));
        Assert.That(((string?)error["type"], (string?)error["message"], error["code"]), Is.EqualTo(("invalid_request_error", message, (JsonNode?)null)));
    }

    [Test]
    public async Task Posting_to_another_formats_path_is_404_naming_the_right_one()
    {
        using var request = Request("text", "{\"model\":\"claude-test\",\"max_tokens\":64,\"stream\":true,\"messages\":[]}", path: "/v1/messages");
        request.Headers.Add("x-api-key", Key);
        request.Headers.Add("anthropic-version", "2023-06-01");
        using var response = await SendAsync(_client, request);
        var json = await JsonAsync(response);

        Assert.That((int)response.StatusCode, Is.EqualTo(404));
        Assert.That((string?)json["error"]!["message"], Is.EqualTo("Scenario 'text' replays openai-responses streams: POST /s/text/v1/responses."));
    }

    [Test]
    public async Task An_unknown_scenario_is_404_in_the_apis_shape()
    {
        using var response = await SendAsync(_client, Request("nope"));
        var error = (await JsonAsync(response))["error"]!;

        Assert.That((int)response.StatusCode, Is.EqualTo(404));
        Assert.That(((string?)error["type"], (string?)error["message"]), Is.EqualTo(("invalid_request_error", "Unknown scenario 'nope'.")));
    }

    [Test]
    public async Task Stream_false_answers_the_response_of_response_completed()
    {
        using var response = await SendAsync(_client, Request("text", "{\"model\":\"gpt-4.1\",\"input\":\"hi\",\"stream\":false}"));
        var json = await JsonAsync(response);
        var layout = ResponsesStreams.Text.Layout;
        var completed = JsonNode.Parse(Harness.Formats.SseFrames.Data(ResponsesStreams.Text.Body, layout.Frames[^1]))!["response"];

        Assert.That((int)response.StatusCode, Is.EqualTo(200));
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/json"));
        Assert.That(JsonNode.DeepEquals(json, completed), Is.True, json.ToJsonString());
        Assert.That((string?)json["output"]![0]!["content"]![0]!["text"], Is.EqualTo("Hello, wörld 🌍!"));
    }

    [Test]
    public async Task Stream_false_on_a_failed_response_answers_its_error()
    {
        using var response = await SendAsync(_client, Request("failed", "{\"model\":\"gpt-4.1\",\"input\":\"hi\"}"));
        var json = await JsonAsync(response);

        Assert.That((int)response.StatusCode, Is.EqualTo(500));
        Assert.That(json.ToJsonString(), Is.EqualTo("{\"error\":{\"message\":\"An error occurred while processing your request.\",\"type\":\"server_error\",\"param\":null,\"code\":null}}"));
    }

    [Test]
    public async Task A_429_has_the_apis_type_and_code_and_rate_limit_resets_as_durations()
    {
        using var response = await SendAsync(_client, Request("limited"));
        var error = (await JsonAsync(response))["error"]!;

        Assert.That((int)response.StatusCode, Is.EqualTo(429));
        Assert.That(((string?)error["type"], (string?)error["code"]), Is.EqualTo(("requests", "rate_limit_exceeded")));
        Assert.That(response.Headers.GetValues("x-ratelimit-remaining-requests").Single(), Is.EqualTo("0"));
        Assert.That(response.Headers.GetValues("x-ratelimit-reset-requests").Single(), Is.EqualTo("6m0s"));
        Assert.That(response.Headers.GetValues("x-ratelimit-reset-tokens").Single(), Is.EqualTo("6m0s"));
        Assert.That(response.Headers.GetValues("retry-after").Single(), Is.EqualTo("360"));
    }

    [TestCase(0, "0s")]
    [TestCase(12, "12ms")]
    [TestCase(1000, "1s")]
    [TestCase(1500, "1.5s")]
    [TestCase(360_000, "6m0s")]
    [TestCase(3_723_000, "1h2m3s")]
    public void Rate_limit_resets_are_written_as_the_api_writes_durations(int ms, string expected) =>
        Assert.That(OpenAIResponsesFormat.Duration(TimeSpan.FromMilliseconds(ms)), Is.EqualTo(expected));

    [TestCase(400, "invalid_request_error", null)]
    [TestCase(401, "invalid_request_error", "invalid_api_key")]
    [TestCase(403, "request_forbidden", "unsupported_country_region_territory")]
    [TestCase(408, "invalid_request_error", null)]
    [TestCase(429, "requests", "rate_limit_exceeded")]
    [TestCase(500, "server_error", null)]
    [TestCase(503, "service_unavailable_error", "server_is_overloaded")]
    [TestCase(529, "server_error", null)]
    public void Error_statuses_get_the_apis_types_and_codes(int status, string type, string? code)
    {
        var format = Harness.Formats.WireFormats.Find("openai-responses")!;
        var error = format.ErrorForStatus(status);
        using var body = JsonDocument.Parse(format.ErrorBody(error, "req_1"));
        var e = body.RootElement.GetProperty("error");

        Assert.That((error.Status, e.GetProperty("type").GetString(), e.GetProperty("code").GetString()), Is.EqualTo((status, type, code)));
        Assert.That(e.GetProperty("message").GetString(), Is.Not.Empty);
    }
}
