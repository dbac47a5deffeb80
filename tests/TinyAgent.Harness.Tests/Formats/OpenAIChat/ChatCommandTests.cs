using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using TinyAgent.Harness.Plan;
using TinyAgent.Harness.Plan.Faults;
using TinyAgent.Harness.Recordings;
using TinyAgent.Harness.Replay;
using TinyAgent.Harness.Tests.Commands;
using TinyAgent.Harness.Tests.Recordings;

namespace TinyAgent.Harness.Tests.OpenAIChat;

/// <summary><c>serve</c>, <c>chunks --url</c> and <c>record</c> on Chat Completions, run in process against real servers on 127.0.0.1.</summary>
[Parallelizable(ParallelScope.All)]
internal sealed class ChatCommandTests
{
    private const string Key = "sk-test-chat-SECRET-42";

    private static HttpRequestMessage Chat(Uri url)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent("""{"model":"gpt-4o","stream":true,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        return request;
    }

    private static async Task<(int Status, byte[] Body)> ReadAsync(HttpClient http, HttpRequestMessage request)
    {
        using (request)
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(CommandKit.Bound);
            return ((int)response.StatusCode, await response.Content.ReadAsByteArrayAsync().WaitAsync(CommandKit.Bound));
        }
    }

    [Test]
    public async Task Serve_prints_each_routes_url_for_its_formats_and_serves_each_format_its_own_recordings()
    {
        using var dir = new TempFolder();
        File.Copy(Path.Combine(RepoPaths.RecordingsFolder, "text-short.sse"), dir.File("text-short.sse"));
        ChatStreams.WriteAll(dir.Path, [ChatStreams.Text, ChatStreams.Tools]);
        File.WriteAllText(dir.File("harness.json"), """
            {
              "recordings": ["*.sse"],
              "scenarios": [
                { "name": "baseline" },
                { "name": "chat-cut", "faults": [{ "kind": "max-tokens", "afterTextDeltas": 2 }], "recordings": ["chat-text.sse"] }
              ],
              "clients": [{ "name": "openai-chat" }]
            }
            """);

        var (exit, output, err, interrupt) = CommandKit.Start(dir.Path, "serve", "--config", dir.File("harness.json"));
        using (interrupt)
        {
            var baseUrl = CommandKit.UrlIn(await output.WaitForLineAsync(l => l.StartsWith("serve: listening on ", StringComparison.Ordinal)));
            string root = baseUrl.ToString().TrimEnd('/');
            await output.WaitForLineAsync(l => l.StartsWith("  recordings: ", StringComparison.Ordinal));
            var lines = output.Lines;
            Assert.That(lines, Does.Contain($"  export ANTHROPIC_BASE_URL={root}    # /v1/messages: scenario baseline"));
            Assert.That(lines, Does.Contain($"  export OPENAI_BASE_URL={root}/v1    # /v1/chat/completions: scenario baseline"));
            Assert.That(lines, Does.Contain($"    baseline  ANTHROPIC_BASE_URL={root}/s/baseline"));
            Assert.That(lines, Does.Contain($"    baseline  OPENAI_BASE_URL={root}/s/baseline/v1"));
            Assert.That(lines, Does.Contain($"    chat-cut  OPENAI_BASE_URL={root}/s/chat-cut/v1"));
            Assert.That(lines.Where(l => l.Contains("/s/chat-cut", StringComparison.Ordinal)), Has.Exactly(1).Items, "chat-cut serves Chat Completions only");

            using var http = CommandKit.Client();
            var chat = await ReadAsync(http, Chat(new Uri($"{root}/s/baseline/v1/chat/completions")));
            Assert.That(chat, Is.EqualTo((200, ChatStreams.Text.Body)), "the first Chat Completions recording in turn");
            var messages = await CommandKit.ReadAllAsync(http, new Uri($"{root}/s/baseline"));
            Assert.That(messages, Is.EqualTo((200, File.ReadAllBytes(dir.File("text-short.sse")))), "a Messages request on the same route gets a Messages recording");
            var cut = await ReadAsync(http, Chat(new Uri($"{root}/s/chat-cut/v1/chat/completions")));
            Assert.That(ChatStreams.Utf8(cut.Body), Does.EndWith("\"finish_reason\":\"length\"}]}\n\ndata: [DONE]\n\n"));

            await output.WaitForLineAsync(l => l.StartsWith("req_000000000003 ", StringComparison.Ordinal));
            await interrupt.CancelAsync();
            Assert.That(await exit.WaitAsync(CommandKit.Bound), Is.EqualTo(0), err.ToString());
            await CommandKit.AssertPortReleasedAsync(baseUrl.Port);
        }

        var served = output.Lines.Where(l => l.StartsWith("req_", StringComparison.Ordinal)).ToList();
        Assert.That(served[0], Does.Match(@"^req_000000000001 baseline#1 status 200: read to the end; .* recording=chat-text faults="));
        Assert.That(served[1], Does.Match(@"^req_000000000002 baseline#2 status 200: read to the end; .* recording=text-short faults="));
        Assert.That(output.ToString() + err, Does.Not.Contain(Key));
    }

    [TestCase("")]
    [TestCase("/v1")]
    [TestCase("/v1/chat/completions")]
    public async Task Chunks_url_with_format_openai_chat_posts_a_chat_request_and_sees_every_byte(string suffix)
    {
        var plan = FaultPlanner.Plan(ChatStreams.Usage, [FaultRegistry.Parse("latency:firstByteMs=0,betweenChunksMs=15,jitterMs=0", "")], 1, 1);
        await using var server = await ReplayServer.StartAsync(new ReplayServerOptions(), StaticScenarioSource.Of("live", plan), TimeProvider.System, CancellationToken.None).WaitAsync(CommandKit.Bound);

        var (exit, output, err) = await CommandKit.RunAsync(RepoPaths.RepoRoot, "chunks", "--url", server.ScenarioUrl("live") + suffix, "--format", "openai-chat", "--json");

        Assert.That(exit, Is.EqualTo(0), err + output);
        using var json = JsonDocument.Parse(output);
        Assert.That(json.RootElement.GetProperty("source").GetString(), Does.EndWith("/s/live/v1/chat/completions"));
        Assert.That((json.RootElement.GetProperty("status").GetInt32(), json.RootElement.GetProperty("ending").GetString()), Is.EqualTo((200, "complete")));
        Assert.That(json.RootElement.GetProperty("timeline").EnumerateArray().Last().GetProperty("cumulativeBytes").GetInt64(), Is.EqualTo(ChatStreams.Usage.Body.Length));
        var logged = server.RequestLog.Single();
        Assert.That(logged.Headers, Does.Contain(new KeyValuePair<string, string>("Authorization", HeaderRedactor.Redacted)), "a Bearer key, as the API asks");
    }

    [Test]
    public async Task Chunks_url_without_format_asks_the_messages_path_and_an_unknown_format_is_a_one_line_error()
    {
        await using var server = await ReplayServer.StartAsync(new ReplayServerOptions(), StaticScenarioSource.Of("chat", ChatStreams.Planned(ChatStreams.Text)), TimeProvider.System, CancellationToken.None).WaitAsync(CommandKit.Bound);

        var (exit, output, _) = await CommandKit.RunAsync(RepoPaths.RepoRoot, "chunks", "--url", server.ScenarioUrl("chat").ToString());
        Assert.That(exit, Is.EqualTo(1), "a Chat Completions scenario asked on /v1/messages answers 404");
        Assert.That(output, Does.Contain("status 404"));

        CommandKit.AssertOneLineError(await CommandKit.RunAsync(RepoPaths.RepoRoot, "chunks", "--url", "http://127.0.0.1:1", "--format", "openai-completions"),
            "--format: unknown format 'openai-completions' (known: anthropic, openai-chat");
    }

    [Test]
    public async Task Record_proxies_the_chat_path_and_saves_a_recording_whose_sidecar_names_its_format()
    {
        var plan = FaultPlanner.Plan(ChatStreams.Tools, [FaultRegistry.Parse("latency:firstByteMs=5,betweenChunksMs=10,jitterMs=0", "")], 1, 1);
        await using var upstream = await ReplayServer.StartAsync(new ReplayServerOptions(), StaticScenarioSource.Of("up", plan), TimeProvider.System, CancellationToken.None).WaitAsync(CommandKit.Bound);
        using var dir = new TempFolder();

        // The upstream as an OpenAI base URL, /v1 and all.
        var (exit, output, err, interrupt) = CommandKit.Start(dir.Path, "record", "--upstream", upstream.ScenarioUrl("up") + "/v1", "--out", "recordings/chat.sse", "--once");
        using (interrupt)
        {
            var proxyUrl = CommandKit.UrlIn(await output.WaitForLineAsync(l => l.StartsWith("record: listening on ", StringComparison.Ordinal)));
            string root = proxyUrl.ToString().TrimEnd('/');
            Assert.That(await output.WaitForLineAsync(l => l.Contains("OPENAI_BASE_URL", StringComparison.Ordinal)), Is.EqualTo($"  export OPENAI_BASE_URL={root}/v1    # /v1/chat/completions, /v1/responses"));
            using var http = CommandKit.Client();
            var (status, body) = await ReadAsync(http, Chat(new Uri($"{root}/v1/chat/completions")));
            Assert.That(await exit.WaitAsync(CommandKit.Bound), Is.EqualTo(0), err.ToString());
            Assert.That((status, body), Is.EqualTo((200, ChatStreams.Tools.Body)), "the client got the upstream's bytes");
        }

        string saved = dir.File(Path.Combine("recordings", "chat.sse"));
        string sidecar = File.ReadAllText(RecordingLoader.SidecarPathFor(saved));
        Assert.That(sidecar, Does.StartWith("{\n  \"status\": 200,\n  \"format\": \"openai-chat\",\n  \"headers\": {"));
        var recording = RecordingLoader.Load(saved);
        Assert.That((recording.Format.Name, recording.Meta.Format), Is.EqualTo(("openai-chat", "openai-chat")));
        Assert.That(recording.Body, Is.EqualTo(ChatStreams.Tools.Body));
        Assert.That(recording.Expected.Blocks, Is.EqualTo(ChatStreams.Tools.Expected.Blocks));
        Assert.That(recording.Meta.Timeline, Has.Count.GreaterThan(1));
        Assert.That(upstream.RequestLog.Single().Path, Is.EqualTo("/s/up/v1/chat/completions"));
        Assert.That(File.ReadAllText(saved) + sidecar + output, Does.Not.Contain(Key));
    }
}
