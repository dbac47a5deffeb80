using TinyAgent.Harness.Judges;
using TinyAgent.Harness.Model;
using static TinyAgent.Harness.Tests.Judges.Observations;

namespace TinyAgent.Harness.Tests.Judges;

internal sealed class StallJudgeTests
{
    private static readonly StallJudge Judge = new();
    private static readonly PlanFacts Stall = new() { Stalls = true, Truncated = true };

    // The server writes 5 frames (last content at 40 ms), then keeps the connection open.
    private static RunObservation Stalled(ClientResult result)
    {
        var body = Body();
        var server = Observations.Server(body, ending: "stall-abandoned", framesSent: 5);
        var keepalive = new SentChunk(body.Length, 14, TimeSpan.FromMilliseconds(1500));
        return Make(result, Stall, body, server: server with { Sent = [.. server.Sent, keepalive] });
    }

    private static ClientResult TimedOut(int endedAtMs) =>
        Result(ClientOutcome.Failed, text: "Hello, wor", stopReason: null, error: new ClientError("idle_timeout", "no data for 2 s"))
            with { EndedAt = TimeSpan.FromMilliseconds(endedAtMs) };

    [Test]
    public void An_error_within_idle_plus_tolerance_of_the_last_content_byte_is_handled()
    {
        var finding = Judge.Judge(Stalled(TimedOut(2100)));

        Assert.That(finding.Verdict, Is.EqualTo(Verdict.Handled));
        Assert.That(finding.Evidence, Does.Contain("2060 ms after the last content byte"));
        Assert.That(finding.Evidence, Does.Contain("idle timeout 2000 ms + tolerance 1000 ms"));
    }

    [Test]
    public void An_error_after_idle_plus_tolerance_is_not_handled()
    {
        Assert.That(Judge.Judge(Stalled(TimedOut(3100))).Verdict, Is.EqualTo(Verdict.NotHandled));
    }

    [Test]
    public void A_client_hung_to_the_deadline_is_not_handled()
    {
        var finding = Judge.Judge(Stalled(Result(ClientOutcome.Hung, error: new ClientError("hung", "abandoned"))));

        Assert.That(finding.Verdict, Is.EqualTo(Verdict.NotHandled));
        Assert.That(finding.Evidence, Does.Contain("hung: abandoned"));
        Assert.That(finding.Timing, Is.True, "a hang rests on time: it is confirmed alone before it is reported");
    }

    [Test]
    public void A_normal_answer_from_a_stalled_stream_is_not_handled()
    {
        Assert.That(Judge.Judge(Stalled(Result())).Verdict, Is.EqualTo(Verdict.NotHandled));
    }

    [Test]
    public void A_stream_that_does_not_stall_does_not_exercise_it()
    {
        Assert.That(Judge.Judge(Make(Result(ClientOutcome.Hung))).Verdict, Is.EqualTo(Verdict.NotExercised));
    }
}
