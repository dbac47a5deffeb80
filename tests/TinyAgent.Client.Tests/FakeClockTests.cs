using System.Net;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;
using TinyAgent.Client.Tests.Support;
using TinyAgent.Client.Internal;

namespace TinyAgent.Client.Tests;

/// <summary>Timeouts run on the injected TimeProvider: with a fake clock they fire exactly when time is advanced, never by wall time.</summary>
internal sealed class FakeClockTests
{
    private const string ErrorBody = """{"type":"error","error":{"type":"api_error","message":"Internal server error"}}""";

    [Test]
    public async Task The_idle_timeout_fires_when_the_fake_clock_passes_it_and_not_before()
    {
        var time = new FakeTimeProvider();
        var body = new ScriptedBody(Streams.Head + Streams.Delta("Hi"));
        var client = Client(new ScriptedHandler(HttpStatusCode.OK, body), time, o => o with { IdleTimeout = TimeSpan.FromSeconds(10) });

        var final = client.Stream(Clients.Request).GetFinalMessageAsync();
        await body.WaitingAsync();

        time.Advance(TimeSpan.FromSeconds(9.9));
        Assert.That(final.IsCompleted, Is.False, "no timeout before the idle time has passed on the fake clock");

        time.Advance(TimeSpan.FromSeconds(0.2));
        var error = await Assert.ThrowsAsync<StreamTimeoutException>(() => final.WaitAsync(Clients.Wait));
        Assert.That(error!.Phase, Is.EqualTo(TimeoutPhase.Idle));
        Assert.That(error.PartialMessage?.Text, Is.EqualTo("Hi"));
    }

    [Test]
    public async Task An_idle_timeout_names_the_configured_idle_timeout_not_the_budget_left()
    {
        // With IdleRequiresContent a ping's wait counts against the budget: 4 s before the ping leaves 6 s for the stall.
        var time = new FakeTimeProvider();
        var body = new ScriptedBody(Streams.Head);
        var client = Client(new ScriptedHandler(HttpStatusCode.OK, body), time,
            o => o with { IdleTimeout = TimeSpan.FromSeconds(10), IdleRequiresContent = true });

        var final = client.Stream(Clients.Request).GetFinalMessageAsync();
        await body.WaitingAsync();
        time.Advance(TimeSpan.FromSeconds(4));
        body.Send(Streams.Ping);
        await body.WaitingAsync();
        time.Advance(TimeSpan.FromSeconds(6));

        var error = await Assert.ThrowsAsync<StreamTimeoutException>(() => final.WaitAsync(Clients.Wait));
        Assert.Multiple(() =>
        {
            Assert.That(error!.Phase, Is.EqualTo(TimeoutPhase.Idle));
            Assert.That(error.Message, Does.Contain("idle timeout (10000 ms)"));
        });
    }

    [Test]
    public async Task A_stalled_error_body_times_out_on_the_fake_clock()
    {
        // An hour-long limit: only the fake clock can end the read within the test's wait.
        var time = new FakeTimeProvider();
        var body = new ScriptedBody(ErrorBody[..10]);
        var client = Client(new ScriptedHandler(HttpStatusCode.InternalServerError, body), time,
            o => o with { IdleTimeout = TimeSpan.FromHours(1), TotalTimeout = TimeSpan.FromHours(2) });

        var call = client.CreateAsync(Clients.Request);
        await body.WaitingAsync();

        time.Advance(TimeSpan.FromMinutes(59));
        Assert.That(call.IsCompleted, Is.False, "the error body read waits for the idle time on the fake clock");

        time.Advance(TimeSpan.FromMinutes(1));
        var error = await Assert.ThrowsAsync<ApiStatusException>(() => call.WaitAsync(Clients.Wait));
        Assert.Multiple(() =>
        {
            Assert.That(error!.StatusCode, Is.EqualTo(HttpStatusCode.InternalServerError));
            Assert.That(error.ErrorMessage, Does.Contain("unreadable").And.Contain("idle timeout (3600000 ms)"));
        });
    }

    [Test]
    public async Task An_error_answered_after_the_total_timeout_still_reports_its_status()
    {
        // The headers race the total timeout: the handler ignores cancellation and answers once the fake clock is past it,
        // so nothing is left for the error body (a negative delay must not escape as ArgumentOutOfRangeException).
        var time = new FakeTimeProvider();
        var answer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handler = new ScriptedHandler(HttpStatusCode.InternalServerError, new ScriptedBody(ErrorBody), answer.Task);
        var client = Client(handler, time, o => o with { FirstByteTimeout = TimeSpan.FromMinutes(2), TotalTimeout = TimeSpan.FromMinutes(1) });

        var call = client.CreateAsync(Clients.Request);
        await handler.Asked.Task.WaitAsync(Clients.Wait);
        time.Advance(TimeSpan.FromMinutes(2));
        answer.SetResult();

        var error = await Assert.ThrowsAsync<ApiStatusException>(() => call.WaitAsync(Clients.Wait));
        Assert.Multiple(() =>
        {
            Assert.That(error!.StatusCode, Is.EqualTo(HttpStatusCode.InternalServerError));
            Assert.That(error.ErrorMessage, Does.Contain("unreadable").And.Contain("total timeout (60000 ms)"));
        });
    }

    private static MessagesClient Client(HttpMessageHandler handler, FakeTimeProvider time, Func<MessagesClientOptions, MessagesClientOptions> adjust) =>
        new(new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan }, adjust(Clients.Options() with { TimeProvider = time, MaxRetries = 0 }));

    /// <summary>Answers every request with <paramref name="body"/>; with <paramref name="answerAfter"/>, only once it completes, ignoring cancellation.</summary>
    private sealed class ScriptedHandler(HttpStatusCode status, ScriptedBody body, Task? answerAfter = null) : HttpMessageHandler
    {
        public TaskCompletionSource Asked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Asked.TrySetResult();
            if (answerAfter is not null)
                await answerAfter;
            return new HttpResponseMessage(status) { Content = new StreamContent(body) };
        }
    }

    /// <summary>
    /// A body whose reads take the chunks the test sends. A read that finds none signals before it waits, so the test moves
    /// the fake clock only while the client is waiting on the network, as a stalled connection makes it.
    /// </summary>
    private sealed class ScriptedBody : ReadOnlyStream
    {
        private readonly Channel<byte[]> _chunks = Channel.CreateUnbounded<byte[]>();
        private readonly Channel<bool> _waits = Channel.CreateUnbounded<bool>();

        public ScriptedBody(string first) => Send(first);

        public void Send(string text) => _chunks.Writer.TryWrite(Encoding.UTF8.GetBytes(text));

        public Task WaitingAsync() => _waits.Reader.ReadAsync().AsTask().WaitAsync(Clients.Wait);

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (!_chunks.Reader.TryRead(out var chunk))
            {
                _waits.Writer.TryWrite(true);
                chunk = await _chunks.Reader.ReadAsync(cancellationToken);
            }
            chunk.CopyTo(buffer);
            return chunk.Length;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
