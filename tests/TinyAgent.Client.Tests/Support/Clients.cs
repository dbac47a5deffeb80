namespace TinyAgent.Client.Tests.Support;

internal static class Clients
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    public static MessageRequest Request { get; } = new()
    {
        Model = "claude-test",
        MaxTokens = 256,
        Messages = [new InputMessage("user", "Hello")],
    };

    public static MessagesClientOptions Options(Uri? baseUrl = null) => new()
    {
        BaseUrl = baseUrl ?? new Uri("http://127.0.0.1:9/"),
        ApiKey = "test-key",
        FirstByteTimeout = TimeSpan.FromSeconds(20),
        IdleTimeout = TimeSpan.FromSeconds(20),
        TotalTimeout = TimeSpan.FromSeconds(60),
        RetryBaseDelay = TimeSpan.FromMilliseconds(10),
        RetryMaxDelay = TimeSpan.FromMilliseconds(50),
        Randomizer = new Random(42).NextDouble,
    };

    public static MessagesClient Stub(IReadOnlyList<byte[]> chunks, MessagesClientOptions? options = null) =>
        new(new HttpClient(new ChunkHandler(() => chunks)) { Timeout = Timeout.InfiniteTimeSpan }, options ?? Options());

    public static HttpClient Http() => new(new SocketsHttpHandler()) { Timeout = Timeout.InfiniteTimeSpan };

    public static async Task<List<StreamEvent>> CollectAsync(MessageStream stream)
    {
        var events = new List<StreamEvent>();
        await foreach (var e in stream)
            events.Add(e);
        return events;
    }
}
