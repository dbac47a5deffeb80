using System.Net;
using System.Net.Sockets;
using System.Text;
using TinyAgent.Harness.Clients;
using TinyAgent.Harness.Formats;
using TinyAgent.Harness.Model;
using TinyAgent.Harness.Tests.Judges;
using static TinyAgent.Harness.Tests.Clients.ClientTestContext;

namespace TinyAgent.Harness.Tests.Clients;

/// <summary>
/// Over real TCP: a tiny HTTP/1.1 server sends the first frames, keeps the response open and waits for the
/// client to close the connection. Shows when each client's connection really closes after a give-up.
/// </summary>
internal sealed class GhostConnectionTests
{
    // Timers may fire a millisecond or so before the stopwatch agrees: lower bounds keep some slack.
    private static readonly TimeSpan Slack = TimeSpan.FromMilliseconds(50);

    [Test]
    public async Task Naive_ghost_keeps_the_connection_open_until_its_run_ends()
    {
        var linger = TimeSpan.FromMilliseconds(300);
        var (result, closedAt) = await GiveUpOverTcpAsync(new NaiveGhostClient(), linger);

        Assert.That(result.Outcome, Is.EqualTo(ClientOutcome.GaveUp));
        Assert.That(closedAt - result.GaveUpAt!.Value, Is.GreaterThanOrEqualTo(linger - Slack), "still connected while the process lingered");
    }

    [Test]
    public async Task The_article_loop_with_its_fixes_closes_the_connection_at_give_up()
    {
        // A long linger: had the connection stayed open while the process lived, it would close 20 s later.
        var (result, closedAt) = await GiveUpOverTcpAsync(new FixedLoop(), TimeSpan.FromSeconds(20));

        Assert.That(result.Outcome, Is.EqualTo(ClientOutcome.GaveUp));
        Assert.That(closedAt - result.GaveUpAt!.Value, Is.LessThan(TimeSpan.FromSeconds(10)));
    }

    /// <summary>Runs the client with a give-up-after-2 consumer; returns its result and when (client clock) the server saw the close.</summary>
    private static async Task<(ClientResult Result, TimeSpan ClosedAt)> GiveUpOverTcpAsync(IClientUnderTest client, TimeSpan linger)
    {
        var body = Observations.Body();
        int firstFrames = SseLayout.Parse(body).Frames[5].End; // message_start, block start, 4 text deltas
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var closed = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var serve = ServeAsync(listener, body[..firstFrames], closed);
        var context = Create(new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}"), new ConsumerModel("give-up-2", 2), linger: linger);

        var result = await RunGuard.RunAsync(client, context).WaitAsync(Wait);
        long closedTimestamp = await closed.Task.WaitAsync(Wait);
        await serve.WaitAsync(Wait);
        return (result, TimeProvider.System.GetElapsedTime(result.StartedTimestamp, closedTimestamp));
    }

    private static async Task ServeAsync(TcpListener listener, byte[] frames, TaskCompletionSource<long> closed)
    {
        using var socket = await listener.AcceptSocketAsync();
        var buffer = new byte[64 * 1024];
        var request = new StringBuilder();
        while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            int n = await socket.ReceiveAsync(buffer);
            request.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }

        string head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n";
        string chunk = $"{frames.Length:x}\r\n";
        await socket.SendAsync(Encoding.ASCII.GetBytes(head + chunk).Concat(frames).Concat("\r\n"u8.ToArray()).ToArray());

        // The response stays open; the rest of the request body (if any) and then end-of-stream mark the client's close.
        while (true)
        {
            int n;
            try
            {
                n = await socket.ReceiveAsync(buffer);
            }
            catch (SocketException)
            {
                n = 0; // reset: closed as well
            }

            if (n == 0)
            {
                closed.TrySetResult(TimeProvider.System.GetTimestamp());
                return;
            }
        }
    }

    private sealed class FixedLoop : IClientUnderTest
    {
        private readonly ArticleLoop _loop = new();

        public string Name => "article-fixed";

        public Task<ClientResult> RunAsync(ClientRunContext context, CancellationToken cancellationToken) => _loop.RunAsync(context, cancellationToken);
    }
}
