using TinyAgent.Harness.Model;
using TinyAgent.Harness.Verdicts;
using static TinyAgent.Harness.Tests.Judges.Observations;

namespace TinyAgent.Harness.Tests.Judges;

internal sealed class GhostStreamJudgeTests
{
    private static readonly GhostStreamJudge Judge = new();
    private static readonly ConsumerModel GiveUpAfter2 = new("give-up-2", 2);

    // Frames: 0 message_start, 1 block start, 2..7 text deltas, 8 block stop, 9 message_delta, 10 message_stop (10 ms apart).
    private static ClientResult GaveUp(int atMs, int clientLagMs = 0) =>
        Result(ClientOutcome.GaveUp, text: "Hello, wor", stopReason: null, clientLagMs: clientLagMs) with { GaveUpAt = TimeSpan.FromMilliseconds(atMs) };

    [Test]
    public void A_disconnect_within_the_bound_is_handled_with_the_delay_as_evidence()
    {
        var body = Body();
        var finding = Judge.Judge(Make(GaveUp(35), body: body, consumer: GiveUpAfter2, server: Observations.Server(body, TimeSpan.FromMilliseconds(135))));

        Assert.That(finding.Verdict, Is.EqualTo(Verdict.Handled));
        Assert.That(finding.Evidence, Does.Contain("disconnect 100 ms later"));
        Assert.That(finding.Evidence, Does.Contain("bound 500 ms"));
    }

    [Test]
    public void A_late_disconnect_is_not_handled_and_counts_what_was_sent_after_the_give_up()
    {
        var body = Body();
        var finding = Judge.Judge(Make(GaveUp(35), body: body, consumer: GiveUpAfter2, server: Observations.Server(body, TimeSpan.FromMilliseconds(900))));

        Assert.That(finding.Verdict, Is.EqualTo(Verdict.NotHandled));
        Assert.That(finding.Evidence, Does.Contain("865 ms later"));
        Assert.That(finding.Evidence, Does.Contain("7 events sent after the give-up")); // frames 4..10 at 40..100 ms
    }

    [Test]
    public void A_stream_that_runs_to_its_end_is_not_handled()
    {
        var body = Body();
        var slow = Observations.Server(body) with { Sent = [.. Observations.Server(body).Sent.Select(c => c with { At = c.At * 100 })], EndedAt = TimeSpan.FromSeconds(1) };
        var finding = Judge.Judge(Make(GaveUp(35), body: body, consumer: GiveUpAfter2, server: slow));

        Assert.That(finding.Verdict, Is.EqualTo(Verdict.NotHandled));
        Assert.That(finding.Evidence, Does.Contain("never seen, the stream ran to its end"));
    }

    [Test]
    public void A_client_that_ended_before_receiving_N_deltas_never_gave_up_so_it_is_not_exercised()
    {
        var body = Body();
        var finding = Judge.Judge(Make(Result(ClientOutcome.Completed, text: "", stopReason: null), body: body, consumer: GiveUpAfter2, server: Observations.Server(body)));

        Assert.That(finding.Verdict, Is.EqualTo(Verdict.NotExercised));
        Assert.That(finding.Evidence, Does.Contain("before receiving 2 text deltas"));
    }

    [Test]
    public void The_client_clock_is_shifted_onto_the_server_clock()
    {
        var body = Body();

        // The client started 50 ms after the server: its 35 ms is the server's 85 ms; disconnect at 600 ms is 515 ms later.
        var finding = Judge.Judge(Make(GaveUp(35, clientLagMs: 50), body: body, consumer: GiveUpAfter2, server: Observations.Server(body, TimeSpan.FromMilliseconds(600))));

        Assert.That(finding.Evidence, Does.Contain("515 ms later"));
        Assert.That(finding.Verdict, Is.EqualTo(Verdict.NotHandled));
        Assert.That(ClockAlignment.ClientToServer(TimeSpan.FromMilliseconds(35), 2_000, 1_000, 1_000), Is.EqualTo(TimeSpan.FromMilliseconds(1035)));
    }

    [Test]
    public void Without_a_client_give_up_moment_the_frame_with_the_nth_delta_marks_it()
    {
        var body = Body();
        var exec = Result(ClientOutcome.GaveUp, text: "Hello, wor", stopReason: null);

        // The second text delta is frame 3, written at 30 ms.
        var finding = Judge.Judge(Make(exec, body: body, consumer: GiveUpAfter2, server: Observations.Server(body, TimeSpan.FromMilliseconds(230))));

        Assert.That(finding.Evidence, Does.Contain("200 ms later"));
        Assert.That(finding.Verdict, Is.EqualTo(Verdict.Handled));
    }

    [Test]
    public void A_hung_client_is_not_handled()
    {
        var body = Body();
        var hung = Result(ClientOutcome.Hung, stopReason: null);

        Assert.That(Judge.Judge(Make(hung, body: body, consumer: GiveUpAfter2, server: Observations.Server(body, TimeSpan.FromSeconds(10)))).Verdict, Is.EqualTo(Verdict.NotHandled));
    }

    [Test]
    public void A_read_all_consumer_or_nothing_left_to_send_does_not_exercise_it()
    {
        Assert.That(Judge.Judge(Make(Result())).Verdict, Is.EqualTo(Verdict.NotExercised));
        Assert.That(Judge.Judge(Make(GaveUp(35), consumer: new ConsumerModel("give-up-99", 99))).Verdict, Is.EqualTo(Verdict.NotExercised));
    }
}
