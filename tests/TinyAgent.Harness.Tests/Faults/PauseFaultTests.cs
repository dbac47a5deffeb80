using TinyAgent.Harness.Formats;
using TinyAgent.Harness.Model;
using TinyAgent.Harness.Plan.Faults;
using TinyAgent.Harness.Recordings;

namespace TinyAgent.Harness.Tests.Faults;

internal sealed class PauseFaultTests
{
    private static readonly string Ping = "event: ping\ndata: {\"type\": \"ping\"}\n\n";

    [Test]
    public void Pause_holds_content_with_pings_every_few_ms_then_resumes()
    {
        var plan = TestStreams.Plan(TestStreams.Lf, new PauseFault(new() { Ms = 1000, EveryMs = 250, AfterEvents = 3 }));
        int at = TestStreams.Lf.Layout.Frames[2].End;

        // 250, 500, 750 ms: three pings; the content resumes at 1000 ms.
        Assert.That(TestStreams.Text(plan.Body[at..]), Does.StartWith(Ping + Ping + Ping + "event: content_block_delta"));
        Assert.That(plan.Body.Length, Is.EqualTo(TestStreams.Lf.Body.Length + (3 * Ping.Length)));
        var waits = plan.Chunks.Where(c => c.DelayBefore > TimeSpan.Zero).Select(c => (c.Offset - at, c.DelayBefore.TotalMilliseconds)).ToList();
        Assert.That(waits, Is.EqualTo(new[] { (0, 250.0), (Ping.Length, 250.0), (2 * Ping.Length, 250.0), (3 * Ping.Length, 250.0) }));
        Assert.That(plan.Summary.ScriptedWait, Is.EqualTo(TimeSpan.FromSeconds(1)));
        Assert.That(plan.Facts.Pause, Is.EqualTo(TimeSpan.FromSeconds(1)));
        Assert.That(plan.Facts.WireVariants, Is.Empty);
        Assert.That(plan.Expected!.Blocks, Is.EqualTo(TestStreams.Lf.Expected.Blocks));
        Assert.That(plan.Expected.IsComplete, Is.True);
    }

    [Test]
    public void Pause_pings_and_waits_survive_any_chunking_and_a_later_bom()
    {
        var plan = TestStreams.Plan(TestStreams.Crlf, new FixedChunkingFault(new() { Size = 7 }), new PauseFault(new() { Ms = 900, EveryMs = 400, AfterEvents = 2 }), new BomFault(new()));

        Assert.That(plan.Summary.ScriptedWait, Is.EqualTo(TimeSpan.FromMilliseconds(900)));
        Assert.That(plan.Chunks.Count(c => c.DelayBefore == TimeSpan.FromMilliseconds(400)), Is.EqualTo(2));
        var frameStarts = SseLayout.Parse(plan.Body).Frames.Select(f => f.Start).ToHashSet();
        Assert.That(plan.Chunks.Where(c => c.DelayBefore > TimeSpan.Zero).Select(c => c.Offset), Is.SubsetOf(frameStarts), "each wait is before a whole frame");
        Assert.That(TestStreams.Text(plan.Body), Does.Contain("event: ping\r\ndata: {\"type\": \"ping\"}\r\n\r\n"));
        Assert.That(ReferenceReader.Read(plan.Body).Text, Is.EqualTo(TestStreams.Crlf.Expected.Text));
    }

    [Test]
    public void A_pause_shorter_than_the_ping_interval_is_a_silent_wait()
    {
        var plan = TestStreams.Plan(TestStreams.Lf, new PauseFault(new() { Ms = 100, EveryMs = 250 }));

        Assert.That(plan.Body, Is.EqualTo(TestStreams.Lf.Body));
        Assert.That(plan.Summary.ScriptedWait, Is.EqualTo(TimeSpan.FromMilliseconds(100)));
    }

    [Test]
    public void Two_pauses_compose()
    {
        var plan = TestStreams.Plan(TestStreams.Lf, new PauseFault(new() { Ms = 600, EveryMs = 200, AfterEvents = 2 }), new PauseFault(new() { Ms = 500, EveryMs = 200, AfterEvents = 5 }));

        Assert.That(plan.Summary.ScriptedWait, Is.EqualTo(TimeSpan.FromMilliseconds(1100)));
        Assert.That(TestStreams.Text(plan.Body).Split("event: ping").Length - 1, Is.EqualTo(1 + 2 + 2));
    }

    [TestCase("pause:ms=0", "f.ms: must be at least 1")]
    [TestCase("pause:everyMs=0", "f.everyMs: must be at least 1")]
    [TestCase("pause:afterEvents=-1", "f.afterEvents: must not be negative")]
    public void Bad_options_are_rejected(string spec, string message)
    {
        Assert.That(() => FaultRegistry.Parse(spec, "f"), Throws.InstanceOf<HarnessInputException>().With.Message.EqualTo(message));
    }
}
