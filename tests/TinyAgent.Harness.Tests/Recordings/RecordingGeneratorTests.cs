using System.Text.Json;
using TinyAgent.Harness.Formats;
using TinyAgent.Harness.Recordings;

namespace TinyAgent.Harness.Tests.Recordings;

internal sealed class RecordingGeneratorTests
{
    [Test]
    public void Same_seed_and_index_give_the_same_bytes_and_timeline()
    {
        var options = new GeneratorOptions { Seed = 42 };
        for (int i = 0; i < 5; i++)
        {
            var a = RecordingGenerator.Generate(options, i);
            var b = RecordingGenerator.Generate(options, i);
            Assert.That(b.Body, Is.EqualTo(a.Body));
            Assert.That(b.Meta.Timeline, Is.EqualTo(a.Meta.Timeline));
            Assert.That(b.Meta.Headers, Is.EqualTo(a.Meta.Headers));
        }
    }

    [Test]
    public void Different_seeds_or_indexes_give_different_streams()
    {
        var a = RecordingGenerator.Generate(new GeneratorOptions { Seed = 1 }, 0).Body;
        Assert.That(RecordingGenerator.Generate(new GeneratorOptions { Seed = 2 }, 0).Body, Is.Not.EqualTo(a));
        Assert.That(RecordingGenerator.Generate(new GeneratorOptions { Seed = 1 }, 1).Body, Is.Not.EqualTo(a));
    }

    [Test]
    public void Bogus_global_seed_does_not_change_the_output()
    {
        var before = RecordingGenerator.Generate(new GeneratorOptions { Seed = 7 }, 3).Body;
        int saved = Bogus.Randomizer.Seed.Next();
        Bogus.Randomizer.Seed = new Random(12345);
        try
        {
            Assert.That(RecordingGenerator.Generate(new GeneratorOptions { Seed = 7 }, 3).Body, Is.EqualTo(before));
        }
        finally
        {
            Bogus.Randomizer.Seed = new Random(saved);
        }
    }

    [Test]
    public void Generated_recordings_follow_the_wire_and_parse()
    {
        var options = new GeneratorOptions { Seed = 9, ThinkingShare = 0.5, ToolUseShare = 0.5, MinWords = 30, MaxWords = 80 };
        var seenTypes = new HashSet<string>();
        for (int i = 0; i < 40; i++)
        {
            var rec = RecordingGenerator.Generate(options, i);
            var e = ReferenceReader.Read(rec.Body);
            seenTypes.UnionWith(e.Blocks.Select(b => b.Type));

            Assert.That(e.IsComplete, Is.True);
            Assert.That(e.StopReason, Is.EqualTo(e.Blocks.Any(b => b.Type == "tool_use") ? "tool_use" : "end_turn"));
            Assert.That(e.Blocks.Single(b => b.Type == "text").Text.Split(' ').Length, Is.InRange(30, 80));
            foreach (var tool in e.Blocks.Where(b => b.Type == "tool_use"))
            {
                Assert.DoesNotThrow(() => JsonDocument.Parse(tool.Text).Dispose());
            }

            var timeline = rec.Meta.Timeline!;
            Assert.That(timeline.Select(c => c.Offset), Is.Ordered.Ascending.And.Unique);
            Assert.That(timeline.Select(c => c.AtMs), Is.Ordered.Ascending);
            Assert.That(RecordingLoader.ParseSidecar("x", RecordingWriter.SerializeMeta(rec.Meta), rec.Body.Length).Timeline, Is.EqualTo(timeline));
        }

        Assert.That(seenTypes, Is.EquivalentTo(new[] { "text", "thinking", "tool_use" }));
    }

    [Test]
    public void First_token_arrives_near_the_configured_time_and_tokens_at_the_configured_gaps()
    {
        var rec = RecordingGenerator.Generate(new GeneratorOptions { Seed = 3, FirstTokenMs = 500, MinGapMs = 20, MaxGapMs = 30, ThinkingShare = 0 }, 0);
        var layout = SseLayout.Parse(rec.Body);
        var at = rec.Meta.Timeline!.ToDictionary(c => c.Offset, c => c.AtMs);
        var tokens = layout.Frames.Where(f => f.EventType == "content_block_delta").Select(f => at[f.Start]).ToList();

        Assert.That(tokens[0], Is.InRange(400.0, 600.0));
        Assert.That(tokens.Zip(tokens.Skip(1), (a, b) => b - a), Has.All.InRange(19.9, 30.1));
    }

    [Test]
    public void Tool_input_pieces_start_empty_and_are_cut_mid_value()
    {
        var options = new GeneratorOptions { Seed = 5, ToolUseShare = 1, MaxToolCalls = 3 };
        var pieces = new List<string>();
        for (int i = 0; i < 10; i++)
        {
            var body = RecordingGenerator.Generate(options, i).Body;
            foreach (var item in System.Net.ServerSentEvents.SseParser.Create(new MemoryStream(body)).Enumerate())
            {
                using var doc = JsonDocument.Parse(item.Data);
                if (doc.RootElement.TryGetProperty("delta", out var d) && d.TryGetProperty("partial_json", out var p))
                {
                    pieces.Add(p.GetString()!);
                }
            }
        }

        Assert.That(pieces, Does.Contain(string.Empty));
        Assert.That(pieces.Count(p => p.Length > 0 && (p.Count(c => c == '"') % 2 == 1)), Is.GreaterThan(10), "many pieces end inside a string");
    }

    [Test]
    public void Write_to_a_folder_gives_loadable_recordings_and_no_temp_files()
    {
        using var dir = new TempFolder();
        var paths = RecordingGenerator.WriteTo(dir.Path, 6, seed: 11);

        Assert.That(paths, Has.Count.EqualTo(6));
        Assert.That(Directory.GetFiles(dir.Path).Select(Path.GetFileName), Has.All.Match(@"^gen-11-\d{4}\.(sse|meta\.json)$"));
        var loaded = RecordingLoader.LoadGlob("*.sse", dir.Path);
        Assert.That(loaded, Has.Count.EqualTo(6));
        Assert.That(loaded[2].Body, Is.EqualTo(RecordingGenerator.Generate(new GeneratorOptions { Seed = 11 }, 2).Body));
        Assert.That(loaded.Select(r => r.Expected.IsComplete), Has.All.True);
    }

    [Test]
    public void Large_text_stream_reaches_its_size_with_tens_of_thousands_of_events()
    {
        byte[] big = RecordingGenerator.BuildLargeText(10 * 1024 * 1024, seed: 1);
        var layout = SseLayout.Parse(big);

        Assert.That(big.Length, Is.InRange(10 * 1024 * 1024 - 600, 10 * 1024 * 1024 + 600));
        Assert.That(layout.Frames.Count, Is.InRange(50_000, 90_000));
        Assert.That(layout.Frames[^1].EventType, Is.EqualTo("message_stop"));
        Assert.That(RecordingGenerator.BuildLargeText(4096, seed: 1), Is.EqualTo(RecordingGenerator.BuildLargeText(4096, seed: 1)));
    }

    [Test]
    public void Large_text_stream_parses_completely()
    {
        var e = ReferenceReader.Read(RecordingGenerator.BuildLargeText(1024 * 1024, seed: 2));
        Assert.That(e.IsComplete, Is.True);
        Assert.That(e.TextDeltaCount, Is.GreaterThan(5000));
    }

    [TestCase(0, 10, "generator option 'MinWords' must be at least 1, not 0")]
    [TestCase(10, 5, "generator option 'MaxWords' (5) must not be less than MinWords (10)")]
    public void Bad_options_are_one_line_errors(int min, int max, string message)
    {
        var ex = Assert.Throws<ArgumentException>(() => RecordingGenerator.Generate(new GeneratorOptions { MinWords = min, MaxWords = max }, 0));
        Assert.That(ex!.Message, Does.StartWith(message));
    }
}
