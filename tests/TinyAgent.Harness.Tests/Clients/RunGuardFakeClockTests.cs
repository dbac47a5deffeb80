using Microsoft.Extensions.Time.Testing;
using TinyAgent.Harness.Clients;
using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Tests.Clients;

/// <summary>The run deadline runs on the injected clock: a client that ignores it is reported hung exactly at deadline + grace.</summary>
internal sealed class RunGuardFakeClockTests
{
    [Test]
    public async Task A_client_that_ignores_cancellation_is_reported_hung_at_the_deadline_on_the_fake_clock()
    {
        var time = new FakeTimeProvider();
        var context = new ClientRunContext
        {
            BaseUrl = new Uri("http://127.0.0.1:9/"),
            Consumer = ConsumerModel.ReadAll,
            Timeouts = new RunTimeouts(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), Deadline: TimeSpan.FromSeconds(5)),
            Time = time,
        };
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var run = RunGuard.RunAsync(new Deaf(started), context, grace: TimeSpan.FromSeconds(2));
        await started.Task.WaitAsync(TimeSpan.FromSeconds(30));

        time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.That(run.IsCompleted, Is.False);

        // Step the fake clock until the guard gives up. Only fake time can fire its timers; the short real pause
        // lets the guard's continuations create the next timer before the clock moves on.
        var bound = System.Diagnostics.Stopwatch.StartNew();
        while (!run.IsCompleted && bound.Elapsed < TimeSpan.FromSeconds(30))
        {
            time.Advance(TimeSpan.FromMilliseconds(50));
            await Task.WhenAny(run, Task.Delay(5));
        }

        var result = await run.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.That(result.Outcome, Is.EqualTo(ClientOutcome.Hung));
        Assert.That(time.GetUtcNow() - time.Start, Is.GreaterThanOrEqualTo(TimeSpan.FromSeconds(7)), "deadline 5 s + grace 2 s, on the fake clock");
    }

    /// <summary>Never returns and never looks at its token.</summary>
    private sealed class Deaf(TaskCompletionSource started) : IClientUnderTest
    {
        public string Name => "deaf";

        public Task<ClientResult> RunAsync(ClientRunContext context, CancellationToken cancellationToken)
        {
            started.TrySetResult();
            return new TaskCompletionSource<ClientResult>().Task;
        }
    }
}
