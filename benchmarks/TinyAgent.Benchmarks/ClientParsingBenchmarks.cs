using System.Net;
using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Anthropic;
using Anthropic.Models.Messages;
using BenchmarkDotNet.Attributes;
using TinyAgent.Client;

namespace TinyAgent.Benchmarks;

/// <summary>
/// Parse and accumulate a ~10 MB text stream (~64,000 events, mostly text deltas, some pings) held in memory:
/// bare SseParser (the lower bound), TinyAgent.Client, and the official Anthropic SDK over the same stub handler.
/// </summary>
[MemoryDiagnoser]
public class ClientParsingBenchmarks
{
    private byte[] _body = [];
    private HttpClient _http = null!;
    private MessagesClient _client = null!;
    private AnthropicClient _sdk = null!;
    private MessageCreateParams _sdkParams = null!;

    private static readonly TinyAgent.Client.MessageRequest Request = new()
    {
        Model = "claude-test",
        MaxTokens = 64000,
        Messages = [new InputMessage("user", "Write a long story.")],
    };

    /// <summary>Events in the body (for per-event figures).</summary>
    public int EventCount { get; private set; }

    [GlobalSetup]
    public void Setup()
    {
        (_body, EventCount) = ClientParsingData.Build(targetBytes: 10 * 1024 * 1024, seed: 7);
        Console.WriteLine($"// body: {_body.Length} bytes, {EventCount} events");
        _http = new HttpClient(new StubHandler(_body)) { Timeout = Timeout.InfiniteTimeSpan };
        _client = new MessagesClient(_http, new MessagesClientOptions { BaseUrl = new Uri("http://127.0.0.1:1/"), ApiKey = "bench", MaxRetries = 0 });
        _sdk = new AnthropicClient { HttpClient = _http, ApiKey = "bench", MaxRetries = 0, BaseUrl = "http://127.0.0.1:1" };
        _sdkParams = new MessageCreateParams
        {
            MaxTokens = 64000,
            Model = "claude-test",
            Messages = [new UserMessageParam { Content = "Write a long story." }],
        };
    }

    [GlobalCleanup]
    public void Cleanup() => _http.Dispose();

    [Benchmark(Baseline = true, Description = "bare SseParser<string>")]
    public async Task<int> BareSseParser()
    {
        var count = 0;
        await foreach (var item in SseParser.Create(new MemoryStream(_body, writable: false)).EnumerateAsync())
            count += item.Data.Length > 0 ? 1 : 0;
        return count;
    }

    [Benchmark(Description = "TinyAgent.Client GetFinalMessageAsync")]
    public async Task<int> TinyAgentFinalMessage()
    {
        await using var stream = _client.Stream(Request);
        var message = await stream.GetFinalMessageAsync();
        return message.Content.Count;
    }

    [Benchmark(Description = "TinyAgent.Client enumerate events")]
    public async Task<int> TinyAgentEnumerate()
    {
        var count = 0;
        await using var stream = _client.Stream(Request);
        await foreach (var e in stream)
            count++;
        return count;
    }

    [Benchmark(Description = "Anthropic SDK CreateStreaming")]
    public async Task<int> AnthropicSdk()
    {
        var count = 0;
        await foreach (var e in _sdk.Messages.CreateStreaming(_sdkParams))
            count++;
        return count;
    }

    private sealed class StubHandler(byte[] body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var content = new StreamContent(new MemoryStream(body, writable: false));
            content.Headers.ContentType = new MediaTypeHeaderValue("text/event-stream") { CharSet = "utf-8" };
            var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = content, RequestMessage = request };
            response.Headers.TryAddWithoutValidation("request-id", "req_bench");
            return Task.FromResult(response);
        }
    }
}

/// <summary>Generates the benchmark body: one text block of seeded words, a ping every 50 events.</summary>
internal static class ClientParsingData
{
    private static readonly string[] Words =
        ["the", "stream", "arrives", "in", "pieces", "and", "a", "careful", "reader", "keeps", "every", "byte", "até", "logo", "日本", "🙂", "token", "network", "packet", "quietly"];

    // Real traffic carries raw UTF-8, with only quotes, backslashes and control characters escaped.
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static (byte[] Body, int Events) Build(int targetBytes, int seed)
    {
        var random = new Random(seed);
        var sb = new StringBuilder(targetBytes + 4096);
        var events = 0;
        void Frame(string name, string data)
        {
            sb.Append("event: ").Append(name).Append('\n').Append("data: ").Append(data).Append("\n\n");
            events++;
        }
        Frame("message_start", """{"type":"message_start","message":{"id":"msg_bench","type":"message","role":"assistant","model":"claude-test","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":10,"output_tokens":1}}}""");
        Frame("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}""");
        var text = new StringBuilder();
        while (sb.Length < targetBytes)
        {
            if (events % 50 == 0)
            {
                Frame("ping", """{"type": "ping"}""");
                continue;
            }
            text.Clear();
            var words = random.Next(4, 10);
            for (var i = 0; i < words; i++)
                text.Append(' ').Append(Words[random.Next(Words.Length)]);
            if (random.Next(20) == 0)
                text.Append("\n\"quoted\"");
            Frame("content_block_delta", $$$"""{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":{{{JsonSerializer.Serialize(text.ToString(), Relaxed)}}}}}""");
        }
        Frame("content_block_stop", """{"type":"content_block_stop","index":0}""");
        Frame("message_delta", """{"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},"usage":{"output_tokens":64000}}""");
        Frame("message_stop", """{"type":"message_stop"}""");
        return (Encoding.UTF8.GetBytes(sb.ToString()), events);
    }
}
