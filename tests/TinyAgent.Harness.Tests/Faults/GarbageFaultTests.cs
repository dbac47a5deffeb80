using TinyAgent.Harness.Plan.Faults;
using TinyAgent.Harness.Model;
using TinyAgent.Harness.Recordings;

namespace TinyAgent.Harness.Tests.Faults;

internal sealed class GarbageFaultTests
{
    [Test]
    public void Unknown_types_are_injected_and_a_correct_reader_ignores_them()
    {
        var plan = TestStreams.Plan(TestStreams.Lf, new GarbageFault(new() { Modes = ["unknown-types"] }));
        var read = ReferenceReader.Read(plan.Body);

        Assert.That(read.Text, Is.EqualTo(TestStreams.Lf.Expected.Text));
        Assert.That(read.EventCount, Is.EqualTo(TestStreams.Lf.Expected.EventCount + 2));
        Assert.That(TestStreams.Text(plan.Body), Does.Contain("\"type\":\"future_delta\"").And.Contain("event: message_annotation\n"));
        Assert.That(plan.Facts.Garbage, Is.False, "a lossless variation, not garbage");
        Assert.That(plan.Facts.WireVariants, Is.EqualTo(new[] { "unknown-types" }));
    }

    [TestCase("new-frame")]
    [TestCase("replace-delta")]
    public void Invalid_json_makes_exactly_one_data_line_unreadable(string placement)
    {
        var plan = TestStreams.Plan(TestStreams.Crlf, new GarbageFault(new() { Modes = ["invalid-json"], InvalidJson = placement }));
        int bad = TestStreams.EventTypes(plan.Body).Count(t => t is null);

        Assert.That(bad, Is.EqualTo(1));
        Assert.Throws<HarnessInputException>(() => ReferenceReader.Read(plan.Body));
        Assert.That(plan.Expected, Is.Null);
        Assert.That(plan.Facts.Garbage, Is.True);
    }
}
