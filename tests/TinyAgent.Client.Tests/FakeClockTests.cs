using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using TinyAgent.Client.Tests.Support;
using TinyAgent.Client.Internal;

namespace TinyAgent.Client.Tests;

/// <summary>Timeouts run on the injected TimeProvider: with a fake clock they fire exactly when time is advanced, never by wall time.</summary>
internal sealed class FakeClockTests
{
    private const string Head =
        "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"m\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}}\n\n" +
        "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n" +
        "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Hi\"}}\n\n";

    [Test]
    public async Task The_idle_timeout_fires_when_the_fake_clock_passes_it_and_not_before()
    {
        var time = new FakeTimeProvider();
        var stalled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var http = new HttpClient(new StallingHandler(Encoding.UTF8.GetBytes(Head), stalled)) { Timeout = Timeout.InfiniteTimeSpan };
        var options = Clients.Options() with { IdleTimeout = TimeSpan.FromSeconds(10), TimeProvider = time, MaxRetries = 0 };
        var client = new MessagesClient(http, options);

        var final = client.Stream(Clients.Request).GetFinalMessageAsync();
        await stalled.Task.WaitAsync(Clients.Wait);

        time.Advance(TimeSpan.FromSeconds(9.9));
        Assert.That(final.IsCompleted, Is.False, "no timeout before the idle time has passed on the fake clock");

        time.Advance(TimeSpan.FromSeconds(0.2));
        var error = await Assert.ThrowsAsync<StreamTimeoutException>(() => final.WaitAsync(Clients.Wait));
        Assert.That(error!.Phase, Is.EqualTo(TimeoutPhase.Idle));
        Assert.That(error.PartialMessage?.Text, Is.EqualTo("Hi"));
    }

    /// <summary>Serves <paramref name="head"/>, then a read that never completes (signalled), as a stalled connection does.</summary>
    private sealed class StallingHandler(byte[] head, TaskCompletionSource stalled) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new StallingStream(head, stalled)) });
    }

    private sealed class StallingStream(byte[] head, TaskCompletionSource stalled) : ReadOnlyStream
    {
        private bool _sent;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (!_sent)
            {
                _sent = true;
                head.CopyTo(buffer);
                return head.Length;
            }

            stalled.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return 0;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
