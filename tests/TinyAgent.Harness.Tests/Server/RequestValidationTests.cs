using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using TinyAgent.Harness.Model;
using TinyAgent.Harness.Plan;
using TinyAgent.Harness.Recordings;
using TinyAgent.Harness.Replay;
using static TinyAgent.Harness.Tests.Server.ServerTestKit;

namespace TinyAgent.Harness.Tests.Server;

internal sealed class RequestValidationTests
{
    private const string Valid = "{\"model\":\"m\",\"max_tokens\":8,\"stream\":true,\"messages\":[]}";
    private ReplayServer _server = null!;
    private HttpClient _client = null!;

    public static IEnumerable<TestCaseData> BadRequests()
    {
        static TestCaseData Case(string name, string method, string path, string? body, int status, string type, string message, bool key = true, string? version = "2023-06-01") =>
            new TestCaseData(method, path, body, key, version, status, type, message).SetName($"{name} gets {status} {type}");

        yield return Case("No body", "POST", "/s/ok/v1/messages", null, 400, "invalid_request_error", "Request body is empty");
        yield return Case("Invalid JSON", "POST", "/s/ok/v1/messages", "{\"model\":", 400, "invalid_request_error", "Request body is not valid JSON");
        yield return Case("Not an object", "POST", "/s/ok/v1/messages", "[1]", 400, "invalid_request_error", "Request body: expected a JSON object, got array.");
        yield return Case("Missing model", "POST", "/s/ok/v1/messages", "{\"max_tokens\":8,\"messages\":[]}", 400, "invalid_request_error", "model: field required.");
        yield return Case("Model not a string", "POST", "/s/ok/v1/messages", "{\"model\":3,\"max_tokens\":8,\"messages\":[]}", 400, "invalid_request_error", "model: expected a non-empty string.");
        yield return Case("Missing max_tokens", "POST", "/s/ok/v1/messages", "{\"model\":\"m\",\"messages\":[]}", 400, "invalid_request_error", "max_tokens: field required.");
        yield return Case("Zero max_tokens", "POST", "/s/ok/v1/messages", "{\"model\":\"m\",\"max_tokens\":0,\"messages\":[]}", 400, "invalid_request_error", "max_tokens: expected a positive integer.");
        yield return Case("Missing messages", "POST", "/s/ok/v1/messages", "{\"model\":\"m\",\"max_tokens\":8}", 400, "invalid_request_error", "messages: field required.");
        yield return Case("Messages not an array", "POST", "/s/ok/v1/messages", "{\"model\":\"m\",\"max_tokens\":8,\"messages\":{}}", 400, "invalid_request_error", "messages: expected an array.");
        yield return Case("Stream not a boolean", "POST", "/s/ok/v1/messages", "{\"model\":\"m\",\"max_tokens\":8,\"messages\":[],\"stream\":\"yes\"}", 400, "invalid_request_error", "stream: expected a boolean.");
        yield return Case("No key", "POST", "/s/ok/v1/messages", Valid, 401, "authentication_error", "x-api-key header is required", key: false);
        yield return Case("No version", "POST", "/s/ok/v1/messages", Valid, 400, "invalid_request_error", "anthropic-version: header is required.", version: null);
        yield return Case("Unknown version", "POST", "/s/ok/v1/messages", Valid, 400, "invalid_request_error", "anthropic-version: unknown version '1999-01-01'.", version: "1999-01-01");
        yield return Case("Wrong method", "GET", "/s/ok/v1/messages", null, 405, "invalid_request_error", "Method GET is not allowed");
        yield return Case("Wrong path", "POST", "/v1/complete", Valid, 404, "not_found_error", "Unknown path '/v1/complete'");
        yield return Case("Root path", "GET", "/", null, 404, "not_found_error", "Unknown path '/'");
        yield return Case("Unknown scenario", "POST", "/s/nope/v1/messages", Valid, 404, "not_found_error", "Unknown scenario 'nope'.");
        yield return Case("No default scenario", "POST", "/v1/messages", Valid, 404, "not_found_error", "No default scenario");
        yield return Case("Body too large", "POST", "/s/ok/v1/messages", "{\"model\":\"" + new string('x', 5000) + "\"}", 413, "request_too_large", "Request body exceeds 4096 bytes.");
    }

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _server = await ServerTestKit.StartAsync(StaticScenarioSource.Of("ok", PlanOf(TextStream(3), PerFrame)), new ReplayServerOptions { MaxRequestBodyBytes = 4096 });
        _client = ServerTestKit.Client();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [TestCaseSource(nameof(BadRequests))]
    public async Task Bad_request_gets_the_APIs_error_json_and_the_server_keeps_serving(string method, string path, string? body, bool key, string? version, int status, string type, string message)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(_server.BaseUrl, path));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        if (key)
        {
            request.Headers.Add("x-api-key", Key);
        }

        if (version is not null)
        {
            request.Headers.Add("anthropic-version", version);
        }

        using var response = await _client.SendAsync(request).WaitAsync(Bound);
        string json = await response.Content.ReadAsStringAsync().WaitAsync(Bound);

        Assert.That((int)response.StatusCode, Is.EqualTo(status), json);
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        string requestId = response.Headers.GetValues("request-id").Single();
        Assert.That(root.GetProperty("type").GetString(), Is.EqualTo("error"));
        Assert.That(root.GetProperty("error").GetProperty("type").GetString(), Is.EqualTo(type));
        Assert.That(root.GetProperty("error").GetProperty("message").GetString(), Does.StartWith(message));
        Assert.That(root.GetProperty("error").GetProperty("message").GetString(), Does.Not.Contain('\n'));
        Assert.That(root.GetProperty("request_id").GetString(), Is.EqualTo(requestId).And.StartWith("req_"));

        using var followUp = await SendAsync(_client, Messages(_server.ScenarioUrl("ok")));
        var reads = await ReadAllAsync(followUp);
        Assert.That((int)followUp.StatusCode, Is.EqualTo(200), "the server keeps serving");
        Assert.That(reads.Data, Is.EqualTo(TextStream(3)));
    }

    [Test]
    public async Task Bearer_authorization_is_accepted_instead_of_x_api_key()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_server.ScenarioUrl("ok") + "/v1/messages"))
        {
            Content = new StringContent(Valid, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("authorization", "Bearer token-123");
        request.Headers.Add("anthropic-version", "2023-06-01");

        using var response = await SendAsync(_client, request);
        var reads = await ReadAllAsync(response);

        Assert.That((int)response.StatusCode, Is.EqualTo(200));
        Assert.That(reads.Data, Is.EqualTo(TextStream(3)));
    }

    [Test]
    public async Task Request_log_and_evidence_never_contain_the_api_key_or_other_secrets()
    {
        await using var server = await ServerTestKit.StartAsync(
            StaticScenarioSource.Of("ok", PlanOf(TextStream(3), PerFrame)),
            new ReplayServerOptions { RedactHeaders = ["x-custom-secret"] });
        using var client = ServerTestKit.Client();
        foreach (bool stream in new[] { true, false })
        {
            using var request = Messages(server.ScenarioUrl("ok"), stream);
            request.Headers.Add("authorization", "Bearer SECRET-bearer");
            request.Headers.Add("cookie", "session=SECRET-cookie");
            request.Headers.Add("x-custom-secret", "SECRET-custom");
            using var response = await SendAsync(client, request);
            await ReadAllAsync(response);
        }

        using var unauthorized = Messages(server.ScenarioUrl("ok"), body: "not json");
        using (var bad = await SendAsync(client, unauthorized))
        {
            Assert.That((int)bad.StatusCode, Is.EqualTo(400));
        }

        await server.WaitForCompletionAsync("ok", 2, CancellationToken.None).WaitAsync(Bound);
        string saved = JsonSerializer.Serialize(new { log = server.RequestLog, evidence = server.EvidenceFor("ok") });

        Assert.That(server.RequestLog, Has.Count.EqualTo(3));
        Assert.That(saved, Does.Not.Contain("SECRET"));
        var headers = server.RequestLog[0].Headers.ToDictionary(h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase);
        Assert.That(
            new[] { headers["x-api-key"], headers["authorization"], headers["cookie"], headers["x-custom-secret"] },
            Is.All.EqualTo(HeaderRedactor.Redacted));
        Assert.That(headers["anthropic-version"], Is.EqualTo("2023-06-01"), "ordinary headers are kept");
    }

    [Test]
    public async Task Server_binds_127_0_0_1_on_a_free_port_by_default()
    {
        var warnings = new StringWriter();
        await using var server = await ServerTestKit.StartAsync(StaticScenarioSource.Of("ok", PlanOf(TextStream(1))), new ReplayServerOptions { Warnings = warnings });

        Assert.That(server.BaseUrl.Host, Is.EqualTo("127.0.0.1"));
        Assert.That(server.BaseUrl.Port, Is.InRange(1, 65535));
        Assert.That(server.ScenarioUrl("a b").AbsoluteUri, Is.EqualTo($"{server.BaseUrl}s/a%20b"));
        Assert.That(warnings.ToString(), Is.Empty);
        using var socket = new TcpClient();
        await socket.ConnectAsync(IPAddress.Loopback, server.BaseUrl.Port).WaitAsync(Bound);
        Assert.That(socket.Connected, Is.True);
    }

    [Test]
    public async Task Port_in_use_gives_a_one_line_error_naming_the_port()
    {
        using var occupant = new TcpListener(IPAddress.Loopback, 0);
        occupant.Start();
        int port = ((IPEndPoint)occupant.LocalEndpoint).Port;

        var error = await Assert.ThrowsAsync<HarnessInputException>(() => ServerTestKit.StartAsync(StaticScenarioSource.Of("ok", PlanOf(TextStream(1))), new ReplayServerOptions { Port = port }));

        Assert.That(error!.Message, Is.EqualTo($"Port {port} on 127.0.0.1 is already in use; choose another port, or 0 for a free one."));
    }

    [Test]
    public async Task Non_loopback_host_is_only_used_when_asked_and_prints_a_warning()
    {
        var warnings = new StringWriter();

        // An address this machine does not own: the warning comes first, then binding fails, so nothing is ever exposed.
        var error = await Assert.ThrowsAsync<HarnessInputException>(() => ServerTestKit.StartAsync(
            StaticScenarioSource.Of("ok", PlanOf(TextStream(1))),
            new ReplayServerOptions { Host = "192.0.2.1", Port = 18_080, Warnings = warnings }));

        Assert.That(warnings.ToString(), Does.StartWith("warning: the replay server listens on 192.0.2.1"));
        Assert.That(error!.Message, Does.Not.Contain('\n'));
    }
}
