using TinyAgent.Harness.Model;
using TinyAgent.Harness.Verdicts;
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
        var server = Observations.Server(body, ending: ServerEnding.StallAbandoned, framesSent: 5);
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

    [Test]
    public void A_stall_of_keepalives_only_must_still_end_before_the_run_is_overdue()
    {
        var run = Stalled(TimedOut(4100));
        var pinging = run with { Plan = run.Plan with { StallKeepalive = true } };

        var ended = Judge.Judge(pinging);
        Assert.That(ended.Verdict, Is.EqualTo(Verdict.Handled), ended.Evidence);
        Assert.That(ended.Evidence, Does.Contain("a stall of keepalives only ended before the run was overdue"));

        var hung = Judge.Judge(pinging with { Result = Result(ClientOutcome.Hung, error: new ClientError("hung", "still running 6000 ms after the server's last planned byte")) });
        Assert.That(hung.Verdict, Is.EqualTo(Verdict.NotHandled));
        Assert.That(hung.Evidence, Does.Contain("needs a total deadline or a content-progress timeout"));
        Assert.That(hung.Timing, Is.True);
    }

    [Test]
    public void Timing_out_during_a_pause_carried_by_keepalives_kills_a_live_stream()
    {
        var pause = new PlanFacts { Pause = TimeSpan.FromMilliseconds(2500) };
        var control = new ControlRun("c/baseline/rec", Result(), Verdict.Handled, "ok");

        var killed = Judge.Judge(Make(TimedOut(1100), pause, control: control));
        Assert.That(killed.Verdict, Is.EqualTo(Verdict.NotHandled));
        Assert.That(killed.Evidence, Does.Contain("timed out while keepalives were arriving"));

        var kept = Judge.Judge(Make(Result(), pause, control: control));
        Assert.That(kept.Verdict, Is.EqualTo(Verdict.Handled), kept.Evidence);
    }

    [Test]
    public void Waiting_for_the_connection_to_close_after_message_stop_is_not_handled()
    {
        var slowClose = new PlanFacts { SlowClose = TimeSpan.FromSeconds(2) };
        var control = new ControlRun("c/baseline/rec", Result(), Verdict.Handled, "ok");

        var hung = Judge.Judge(Make(Result(ClientOutcome.Hung, error: new ClientError("hung", "still running")), slowClose, control: control));
        Assert.That(hung.Verdict, Is.EqualTo(Verdict.NotHandled));
        Assert.That(hung.Evidence, Does.Contain("waited for it to close instead of ending at the stream's end"));

        var done = Judge.Judge(Make(Result() with { EndedAt = TimeSpan.FromMilliseconds(90) }, slowClose, control: control));
        Assert.That(done.Verdict, Is.EqualTo(Verdict.Handled), done.Evidence);
    }
}
