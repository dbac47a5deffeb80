using TinyAgent.Harness.Plan.Faults;
using TinyAgent.Harness.Model;
using TinyAgent.Harness.Recordings;

namespace TinyAgent.Harness.Tests.Faults;

internal sealed class ToolCutFaultTests
{
    [Test]
    public void Tool_cut_ends_with_max_tokens_inside_the_tool_input()
    {
        var plan = TestStreams.Plan(TestStreams.Unicode, new ToolCutFault(new()));
        var read = ReferenceReader.Read(plan.Body);
        string text = TestStreams.Text(plan.Body);

        // Four input_json_delta frames ("", then three pieces): half is two, so the input is '{"city": "東'.
        Assert.That(read.Blocks.Single(b => b.Type == "tool_use").Text, Is.EqualTo("{\"city\": \"東"));
        Assert.That((read.StopReason, read.HasMessageStop), Is.EqualTo(("max_tokens", true)));
        Assert.That(text, Does.Not.Contain("\"type\":\"content_block_stop\",\"index\":1"), "the tool block is never closed");
        Assert.That(text, Does.EndWith("\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"city\\\": \\\"東\"}}\n\nevent: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"max_tokens\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":2}}\n\nevent: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"));
        Assert.That((plan.Facts.MaxTokensEnding, plan.Facts.ToolCut), Is.EqualTo((true, true)));
        Assert.That(read.Blocks.Single(b => b.Type == "text").Text, Is.EqualTo(TestStreams.Unicode.Expected.Text), "the text before the tool is kept whole");
    }

    [TestCase(0.0, "")]
    [TestCase(1.0, "{\"city\": \"東京\", \"n\": 4")]
    public void Tool_cut_keeps_at_least_one_piece_and_never_all(double fraction, string input)
    {
        var plan = TestStreams.Plan(TestStreams.Unicode, new ToolCutFault(new() { AtFraction = fraction }));
        Assert.That(ReferenceReader.Read(plan.Body).Blocks.Single(b => b.Type == "tool_use").Text, Is.EqualTo(input));
    }

    [Test]
    public void A_recording_without_tool_use_is_left_alone_and_nothing_is_reported()
    {
        var plan = TestStreams.Plan(TestStreams.Lf, new ToolCutFault(new()));

        Assert.That(plan.Body, Is.EqualTo(TestStreams.Lf.Body));
        Assert.That((plan.Facts.MaxTokensEnding, plan.Facts.ToolCut), Is.EqualTo((false, false)));
    }

    [Test]
    public void At_fraction_outside_zero_to_one_is_rejected()
    {
        Assert.That(() => FaultRegistry.Parse("tool-cut:atFraction=1.5", "f"), Throws.InstanceOf<HarnessInputException>().With.Message.EqualTo("f.atFraction: must be between 0 and 1"));
    }
}
