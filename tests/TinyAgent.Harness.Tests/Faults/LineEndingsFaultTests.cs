using System.Net.ServerSentEvents;
using System.Text;
using TinyAgent.Harness.Formats;
using TinyAgent.Harness.Plan.Faults;
using TinyAgent.Harness.Recordings;

namespace TinyAgent.Harness.Tests.Faults;

internal sealed class LineEndingsFaultTests
{
    private static IEnumerable<TestCaseData> Cases() =>
        from mode in LineEndingsOptions.Modes
        from name in new[] { "lf", "crlf", "unicode" }
        select new TestCaseData(mode, name);

    [TestCaseSource(nameof(Cases))]
    public void Every_mode_keeps_what_a_correct_reader_reads(string mode, string recordingName)
    {
        var recording = TestStreams.All.Single(r => r.Name == recordingName);
        var plan = TestStreams.Plan(recording, new LineEndingsFault(new() { Mode = mode }));
        var read = ReferenceReader.Read(plan.Body);

        Assert.That(read.Blocks, Is.EqualTo(recording.Expected.Blocks));
        Assert.That((read.StopReason, read.EventCount, read.HasMessageStop), Is.EqualTo((recording.Expected.StopReason, recording.Expected.EventCount, true)));
        Assert.That(plan.Layout().Frames, Has.Count.EqualTo(recording.Layout.Frames.Count), "every frame still dispatches on its own");
        Assert.That(plan.Facts.WireVariants, Is.EqualTo(new[] { "line-endings-" + mode }));
        Assert.That(Events(plan.Body, oneBytePerRead: true), Is.EqualTo(Events(recording.Body, oneBytePerRead: false)), "the .NET SseParser agrees, read one byte at a time");
    }

    [TestCase("crlf", "\r\n")]
    [TestCase("cr", "\r")]
    [TestCase("lf", "\n")]
    public void Uniform_modes_end_every_line_the_same_way(string mode, string eol)
    {
        var plan = TestStreams.Plan(TestStreams.Crlf, new LineEndingsFault(new() { Mode = mode }));
        var layout = plan.Layout();

        Assert.That(layout.Lines.Select(l => Encoding.ASCII.GetString(plan.Body, l.Start + l.Length, l.TerminatorLength)).Distinct(), Is.EqualTo(new[] { eol }));
    }

    [Test]
    public void Mixed_cycles_the_proxy_shape_crlf_lines_and_lone_cr_frame_by_frame()
    {
        var plan = TestStreams.Plan(TestStreams.Lf, new LineEndingsFault(new() { Mode = "mixed" }));
        string text = TestStreams.Text(plan.Body);

        Assert.That(text, Does.StartWith("event: message_start\ndata: {").And.Contain("}\n\r\nevent: ping\r\ndata: {\"type\": \"ping\"}\r\n\nevent: content_block_start\rdata: {"));
        Assert.That(text, Does.Contain("}\r\revent: content_block_delta\n"));
        Assert.That(text, Does.Not.Contain("\r\r\n").And.Not.Contain("\r\n\r\n").And.Not.Contain("\n\n\n"));
    }

    [Test]
    public void A_lone_cr_is_never_followed_by_an_lf_that_would_swallow_a_blank_line()
    {
        // Extra blank lines are frames of their own: the cycle then puts blank lines right after a lone CR.
        var recording = new Recording("blank-lines", "blank-lines.sse", Encoding.UTF8.GetBytes(TestStreams.Text(TestStreams.Lf.Body).Replace("\n\n", "\n\n\n\n", StringComparison.Ordinal)), RecordingMeta.Default);
        var plan = TestStreams.Plan(recording, new LineEndingsFault(new() { Mode = "mixed" }));

        Assert.That(plan.Layout().Lines, Has.Count.EqualTo(SseLayout.Parse(recording.Body).Lines.Count));
        Assert.That(ReferenceReader.Read(plan.Body).Blocks, Is.EqualTo(TestStreams.Lf.Expected.Blocks));
    }

    private static List<(string Type, string Data)> Events(byte[] body, bool oneBytePerRead) =>
        [.. SseParser.Create(oneBytePerRead ? new TrickleStream(body) : new MemoryStream(body)).Enumerate().Select(e => (e.EventType, e.Data))];

    /// <summary>Returns one byte per read, so a CR at the end of one read meets its LF in the next.</summary>
    private sealed class TrickleStream(byte[] data) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, 1));

        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, 1)]);
    }
}

internal static class PlanLayout
{
    public static SseLayout Layout(this Harness.Plan.ReplayPlan plan) => SseLayout.Parse(plan.Body);
}
