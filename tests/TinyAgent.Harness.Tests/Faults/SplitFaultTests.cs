using TinyAgent.Harness.Formats;
using TinyAgent.Harness.Plan.Faults;

namespace TinyAgent.Harness.Tests.Faults;

internal sealed class SplitFaultTests
{
    [Test]
    public void Split_is_lossless_and_marks_every_cut_separate()
    {
        foreach (var recording in TestStreams.All)
        {
            var plan = TestStreams.Plan(recording, new SplitFault(new()));

            Assert.That(TestStreams.Concat(plan), Is.EqualTo(recording.Body), recording.Name);
            Assert.That(plan.Chunks.Count(c => c.Separate), Is.EqualTo(recording.Layout.Frames.Count(f => f.Lines.Count >= 2)), recording.Name);
        }
    }

    [Test]
    public void Utf8_cuts_land_inside_a_multi_byte_character()
    {
        var plan = TestStreams.Plan(TestStreams.Unicode, new SplitFault(new() { Kinds = ["utf8"] }));
        byte[] body = plan.Body;
        var cuts = plan.Chunks.Where(c => c.Separate).Select(c => c.Offset).ToList();

        Assert.That(cuts, Has.Count.GreaterThanOrEqualTo(6));
        Assert.That(cuts.Select(c => body[c] & 0xC0), Is.All.EqualTo(0x80), "each cut starts on a continuation byte");
        Assert.That(plan.Facts.SplitKinds, Is.EqualTo(new[] { "utf8" }));
    }

    [Test]
    public void Crlf_cuts_land_between_CR_and_LF_and_only_where_the_body_has_CRLF()
    {
        var crlf = TestStreams.Plan(TestStreams.Crlf, new SplitFault(new() { Kinds = ["crlf"] }));
        var lf = TestStreams.Plan(TestStreams.Lf, new SplitFault(new() { Kinds = ["crlf"] }));

        Assert.That(crlf.Chunks.Where(c => c.Separate).Select(c => (crlf.Body[c.Offset - 1], crlf.Body[c.Offset])), Is.All.EqualTo(((byte)'\r', (byte)'\n')));
        Assert.That(crlf.Facts.SplitKinds, Is.EqualTo(new[] { "crlf" }));
        Assert.That(lf.Chunks.Any(c => c.Separate), Is.False);
        Assert.That(lf.Facts.SplitKinds, Is.Empty);
    }

    [Test]
    public void Frame_end_cuts_land_between_the_two_newlines_that_end_a_frame()
    {
        var plan = TestStreams.Plan(TestStreams.Lf, new SplitFault(new() { Kinds = ["frame-end"] }));
        var frameEnds = TestStreams.Lf.Layout.FrameEnds.ToHashSet();

        Assert.That(plan.Chunks.Where(c => c.Separate).Select(c => c.Offset + 1), Is.All.Matches<int>(frameEnds.Contains));
        Assert.That(plan.Chunks.Where(c => c.Separate).Select(c => (plan.Body[c.Offset - 1], plan.Body[c.Offset])), Is.All.EqualTo(((byte)'\n', (byte)'\n')));
    }

    [TestCase("field-name")]
    [TestCase("after-data-colon")]
    [TestCase("json")]
    public void Line_cuts_land_where_they_claim(string kind)
    {
        var plan = TestStreams.Plan(TestStreams.Crlf, new SplitFault(new() { Kinds = [kind] }));
        var layout = SseLayout.Parse(plan.Body);
        var separate = plan.Chunks.Where(c => c.Separate).Select(c => c.Offset).ToList();

        Assert.That(separate, Is.Not.Empty);
        foreach (int cut in separate)
        {
            var line = layout.Lines.Single(l => l.Start < cut && cut < l.Start + l.Length);
            string text = TestStreams.Text(plan.Body[line.Start..(line.Start + line.Length)]);
            int at = cut - line.Start;
            switch (kind)
            {
                case "field-name":
                    Assert.That(text.StartsWith("event:", StringComparison.Ordinal) ? at < 5 : at < 4 && text.StartsWith("data:", StringComparison.Ordinal), Is.True, text);
                    break;
                case "after-data-colon":
                    Assert.That(text[..at], Is.EqualTo("data:"));
                    break;
                default:
                    Assert.That(text, Does.StartWith("data: {"));
                    Assert.That(at, Is.GreaterThan("data: ".Length));
                    break;
            }
        }
    }

    [Test]
    public void Fraction_zero_cuts_nothing_and_a_half_cuts_some_frames()
    {
        var none = TestStreams.Plan(TestStreams.Unicode, new SplitFault(new() { Fraction = 0 }));
        var half = TestStreams.Plan(TestStreams.Unicode, new SplitFault(new() { Fraction = 0.5 }));
        int frames = TestStreams.Unicode.Layout.Frames.Count;

        Assert.That(none.Chunks.Count(c => c.Separate), Is.Zero);
        Assert.That(half.Chunks.Count(c => c.Separate), Is.InRange(1, frames - 1));
    }

    [Test]
    public void Default_kinds_use_every_kind_the_body_allows_and_delay_applies_at_cuts()
    {
        var plan = TestStreams.Plan(TestStreams.Crlf, new SplitFault(new() { DelayMs = 7 }));

        Assert.That(plan.Facts.SplitKinds, Is.EqualTo(new[] { "field-name", "after-data-colon", "json", "crlf", "frame-end" }));
        Assert.That(plan.Chunks.Where(c => c.Separate).Select(c => c.DelayBefore), Is.All.EqualTo(TimeSpan.FromMilliseconds(7)));
    }
}
