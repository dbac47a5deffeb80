using TinyAgent.Harness.Clients;
using TinyAgent.Harness.Model;
using TinyAgent.Harness.Tests.Judges;
using static TinyAgent.Harness.Tests.Clients.ClientTestContext;

namespace TinyAgent.Harness.Tests.Clients;

internal sealed class RunGuardTests
{
    private static readonly TimeSpan ShortDeadline = TimeSpan.FromMilliseconds(300);

    [Test]
    public async Task The_hang_specimen_is_abandoned_at_the_deadline_and_reported_hung()
    {
        var handler = new ScriptedHandler([Observations.Body()[..40]], ScriptedEnd.Stall);

        var result = await RunGuard.RunAsync(new HangClient(() => handler), Create(deadline: ShortDeadline), grace: TimeSpan.FromMilliseconds(200)).WaitAsync(Wait);

        Assert.That(result.Outcome, Is.EqualTo(ClientOutcome.Hung));
        Assert.That(result.Error?.Message, Does.Contain("ignored cancellation and was abandoned"));
        Assert.That(result.EndedAt, Is.GreaterThanOrEqualTo(ShortDeadline));
        Assert.That(handler.Body!.Exhausted.Task.IsCompleted, Is.True, "it was stuck on the stalled read");
    }

    [Test]
    public async Task A_client_that_honours_the_deadline_is_reported_hung_with_what_it_had()
    {
        var body = Observations.Body();
        var handler = new ScriptedHandler([body[..ClientTestContext.OffsetOf(body, "event: content_block_start")]], ScriptedEnd.Stall);

        var result = await RunGuard.RunAsync(new NaiveTruncationClient(() => handler), Create(deadline: ShortDeadline), grace: TimeSpan.FromSeconds(20)).WaitAsync(Wait);

        Assert.That(result.Outcome, Is.EqualTo(ClientOutcome.Hung));
        Assert.That(result.Error?.Message, Does.Contain("still running at the deadline (300 ms)"));
        Assert.That(result.Reads, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task A_client_that_throws_has_failed_with_the_exception()
    {
        var result = await RunGuard.RunAsync(new Throwing(), Create()).WaitAsync(Wait);

        Assert.That(result.Outcome, Is.EqualTo(ClientOutcome.Failed));
        Assert.That(result.Error, Is.EqualTo(new ClientError(nameof(InvalidDataException), "boom")));
        Assert.That(result.StartedTimestamp, Is.Not.Zero);
    }

    private sealed class Throwing : IClientUnderTest
    {
        public string Name => "throwing";

        public Task<ClientResult> RunAsync(ClientRunContext context, CancellationToken cancellationToken) =>
            throw new InvalidDataException("boom");
    }
}
