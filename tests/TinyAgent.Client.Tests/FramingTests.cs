using CsCheck;
using TinyAgent.Client.Tests.Support;

namespace TinyAgent.Client.Tests;

/// <summary>Split packets: every line ending times every delivery gives the same message and events.</summary>
public sealed class FramingTests
{
    public static readonly string[] LineEndings = ["\n", "\r\n", "\r"];
    public static readonly string[] DeliveryNames = ["whole", "bytewise", "random1", "random2", "random3"];

    private static IReadOnlyList<byte[]> Deliver(byte[] body, string delivery) => delivery switch
    {
        "whole" => Deliveries.Whole(body),
        "bytewise" => Deliveries.Bytewise(body),
        _ => Deliveries.Random(body, seed: delivery[^1] - '0'),
    };

    private static async Task<Message> FinalAsync(IReadOnlyList<byte[]> chunks) =>
        await Clients.Stub(chunks).Stream(Clients.Request).GetFinalMessageAsync().WaitAsync(Clients.Wait);

    [Test]
    public async Task Every_line_ending_and_delivery_gives_the_same_message(
        [ValueSource(nameof(LineEndings))] string ending, [ValueSource(nameof(DeliveryNames))] string delivery)
    {
        foreach (var lf in Streams.All)
        {
            var expected = Describe.Message(await FinalAsync(Deliveries.Whole(Streams.Bytes(lf))));
            var body = Streams.Bytes(Streams.WithLineEnding(lf, ending));
            var actual = Describe.Message(await FinalAsync(Deliver(body, delivery)));
            Assert.That(actual, Is.EqualTo(expected));
        }
    }

    [Test]
    public async Task The_text_stream_accumulates_to_the_expected_message()
    {
        var message = await FinalAsync(Deliveries.Bytewise(Streams.Bytes(Streams.Text)));
        Assert.Multiple(() =>
        {
            Assert.That(message.Text, Is.EqualTo(Streams.TextContent));
            Assert.That(message.Id, Is.EqualTo("msg_01Test"));
            Assert.That(message.StopReason, Is.EqualTo("end_turn"));
            Assert.That(message.Usage, Is.EqualTo(new Usage(12, 9, 0, 0, "standard")));
            Assert.That(message.RequestId, Is.EqualTo("req_stub"));
            Assert.That(message.IsComplete, Is.True);
            Assert.That(message.IsTruncatedByMaxTokens, Is.False);
        });
    }

    [Test]
    public async Task A_multi_byte_character_split_across_reads_is_decoded_whole()
    {
        var body = Streams.Bytes(Streams.Text);
        var emoji = Streams.Bytes("🙂");
        var at = body.AsSpan().IndexOf(emoji);
        var han = body.AsSpan().IndexOf(Streams.Bytes("日"));
        var chunks = Deliveries.At(body, [at + 1, at + 2, at + 3, han + 1, han + 2]);
        var message = await FinalAsync(chunks);
        Assert.That(message.Text, Is.EqualTo(Streams.TextContent));
    }

    [Test]
    public async Task A_CR_at_the_end_of_one_read_with_its_LF_in_the_next_is_one_line_ending()
    {
        var body = Streams.Bytes(Streams.WithLineEnding(Streams.Text, "\r\n"));
        var cuts = Enumerable.Range(0, body.Length).Where(i => body[i] == (byte)'\r').Select(i => i + 1);
        var stream = Clients.Stub(Deliveries.At(body, cuts)).Stream(Clients.Request);
        var events = await Clients.CollectAsync(stream).WaitAsync(Clients.Wait);
        Assert.Multiple(() =>
        {
            Assert.That(stream.Current!.Text, Is.EqualTo(Streams.TextContent));
            Assert.That(events.OfType<TextDeltaEvent>().Count(), Is.EqualTo(3));
            Assert.That(stream.IgnoredEventCount, Is.EqualTo(1), "only the ping; a CR LF pair must not dispatch twice");
        });
    }

    [Test]
    public void Any_chunking_of_any_bundled_stream_yields_the_same_events()
    {
        var baselines = Streams.All.Select(s => EventsOf([Streams.Bytes(s)])).ToArray();
        var gen = Gen.Select(Gen.Int[0, Streams.All.Count - 1], Gen.Int[0, 2], Gen.Int[0, 4000].Array[0, 60]);
        gen.Sample((streamIndex, endingIndex, cuts) =>
        {
            var body = Streams.Bytes(Streams.WithLineEnding(Streams.All[streamIndex], LineEndings[endingIndex]));
            var events = EventsOf(Deliveries.At(body, cuts.Select(c => c % body.Length)));
            return events.SequenceEqual(baselines[streamIndex]);
        }, iter: 300, seed: "0N0XIzNsQ0O2");
    }

    private static List<string> EventsOf(IReadOnlyList<byte[]> chunks)
    {
        var stream = Clients.Stub(chunks).Stream(Clients.Request);
        return [.. Clients.CollectAsync(stream).WaitAsync(Clients.Wait).GetAwaiter().GetResult().Select(Describe.Event)];
    }

    [Test]
    public async Task Enumerated_events_and_the_final_message_agree()
    {
        var stream = Clients.Stub(Deliveries.Whole(Streams.Bytes(Streams.ToolUse))).Stream(Clients.Request);
        var events = await Clients.CollectAsync(stream).WaitAsync(Clients.Wait);
        var final = await stream.GetFinalMessageAsync().WaitAsync(Clients.Wait);
        Assert.Multiple(() =>
        {
            Assert.That(events[0], Is.TypeOf<MessageStartEvent>());
            Assert.That(events[^1], Is.TypeOf<MessageStopEvent>());
            Assert.That(events.OfType<InputJsonDeltaEvent>().Select(e => e.PartialJson), Is.EqualTo(new[] { "", "{\"city\": \"San Fr", "ancisco\", \"days\": 1", "4}" }));
            Assert.That(final.StopReason, Is.EqualTo("tool_use"));
            Assert.That(Describe.Block(events.OfType<ContentBlockStopEvent>().Last().ContentBlock), Is.EqualTo(Describe.Block(final.Content[1])));
        });
    }
}
