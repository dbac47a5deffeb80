using System.Text.Json;
using TinyAgent.Harness.Model;
using TinyAgent.Harness.Plan;
using TinyAgent.Harness.Plan.Faults;
using TinyAgent.Harness.Recordings;
using TinyAgent.Harness.Replay;
using TinyAgent.Harness.Tests.Recordings;

namespace TinyAgent.Harness.Tests.Commands;

[Parallelizable(ParallelScope.All)]
internal sealed class ChunksCommandTests
{
    private static string TextShort => Path.Combine(RepoPaths.RecordingsFolder, "text-short.sse");

    [Test]
    public async Task Chunks_of_a_recording_under_a_fixed_plan_are_all_the_same_size_but_the_last()
    {
        int length = (int)new FileInfo(TextShort).Length;
        var (exit, output, err) = await CommandKit.RunAsync(RepoPaths.RepoRoot, "chunks", "recordings/text-short.sse", "--chunking", "fixed:size=7", "--json");
        Assert.That(exit, Is.EqualTo(0), err);
        using var json = JsonDocument.Parse(output);
        var sizes = json.RootElement.GetProperty("sizes");
        Assert.That(sizes.GetProperty("count").GetInt32(), Is.EqualTo((length + 6) / 7));
        Assert.That(sizes.GetProperty("max").GetInt32(), Is.EqualTo(7));
        Assert.That(sizes.GetProperty("p50").GetInt32(), Is.EqualTo(7));
        var timeline = json.RootElement.GetProperty("timeline").EnumerateArray().ToList();
        Assert.That(timeline[^1].GetProperty("cumulativeBytes").GetInt64(), Is.EqualTo(length));
        Assert.That(json.RootElement.GetProperty("faults")[0].GetString(), Is.EqualTo("fixed(size=7)"));
    }

    [Test]
    public async Task Chunks_prints_the_histogram_bars_percentiles_and_a_timeline_at_planned_times()
    {
        var (exit, output, err) = await CommandKit.RunAsync(RepoPaths.RepoRoot, "chunks", "realistic-timing", "--chunking", "recorded:speed=2");
        Assert.That(exit, Is.EqualTo(0), err);
        Assert.That(output, Does.Match(@"planned chunks: \d+  min \d+  p50 \d+  p90 \d+  max \d+"));
        Assert.That(output, Does.Match(@"\n\s+64-127\s+#+\s+\d+"));
        Assert.That(output, Does.Contain("timeline (cumulative bytes against time):"));
        Assert.That(output, Does.Match(@"\|#{40}\|"), "the last row reaches the whole body");
    }

    [Test]
    public async Task Chunks_reads_a_live_stream_from_the_harness_server_and_sees_every_byte()
    {
        var recording = RecordingLoader.Load(TextShort);
        var plan = FaultPlanner.Plan(recording, [FaultRegistry.Parse("latency:firstByteMs=0,betweenChunksMs=15,jitterMs=0", "")], 1, 1);
        await using var server = await ReplayServer.StartAsync(new ReplayServerOptions(), StaticScenarioSource.Of("live", plan), TimeProvider.System, CancellationToken.None).WaitAsync(CommandKit.Bound);

        var (exit, output, err) = await CommandKit.RunAsync(RepoPaths.RepoRoot, "chunks", "--url", server.ScenarioUrl("live").ToString(), "--json");

        Assert.That(exit, Is.EqualTo(0), err);
        using var json = JsonDocument.Parse(output);
        Assert.That(json.RootElement.GetProperty("mode").GetString(), Is.EqualTo("received"));
        Assert.That(json.RootElement.GetProperty("status").GetInt32(), Is.EqualTo(200));
        Assert.That(json.RootElement.GetProperty("ending").GetString(), Is.EqualTo("complete"));
        var timeline = json.RootElement.GetProperty("timeline").EnumerateArray().ToList();
        Assert.That(timeline[^1].GetProperty("cumulativeBytes").GetInt64(), Is.EqualTo(recording.Body.Length));
        Assert.That(timeline.Select(p => p.GetProperty("atMs").GetDouble()), Is.Ordered);
        Assert.That(timeline, Has.Count.GreaterThan(1), "15 ms between chunks: the reads arrive apart");
        var evidence = await server.WaitForCompletionAsync("live", 1, CancellationToken.None).WaitAsync(CommandKit.Bound);
        Assert.That(evidence.Ending.ToName(), Is.EqualTo("complete"));
    }

    [Test]
    public async Task Chunks_of_a_live_error_reply_exits_1_with_the_status()
    {
        var recording = RecordingLoader.Load(TextShort);
        var plan = FaultPlanner.Plan(recording, [FaultRegistry.Parse("http-error:status=529", "")], 1, 1);
        await using var server = await ReplayServer.StartAsync(new ReplayServerOptions(), StaticScenarioSource.Of("busy", plan), TimeProvider.System, CancellationToken.None).WaitAsync(CommandKit.Bound);

        var (exit, output, _) = await CommandKit.RunAsync(RepoPaths.RepoRoot, "chunks", "--url", server.ScenarioUrl("busy") + "/v1/messages");

        Assert.That(exit, Is.EqualTo(1));
        Assert.That(output, Does.Contain("status 529"));
    }

    [TestCase(new[] { "chunks", "text-short", "--chunking", "random:min=9,max=2" }, "--chunking")]
    [TestCase(new[] { "chunks", "text-short", "--chunking", "slicer" }, "unknown fault kind 'slicer'")]
    [TestCase(new[] { "chunks", "no-such.sse" }, "no-such.sse: recording not found")]
    [TestCase(new[] { "chunks", "text-short", "--seed", "1.5" }, "--seed")]
    [TestCase(new[] { "chunks", "text-short", "--bars" }, "--bars")]
    [TestCase(new[] { "chunks" }, "give either a RECORDING or --url")]
    [TestCase(new[] { "chunks", "--url", "ftp://example" }, "--url: 'ftp://example' is not an http or https URL")]
    [TestCase(new[] { "chunks", "--url", "http://127.0.0.1:1" }, "--url: no response from http://127.0.0.1:1/v1/messages")]
    [TestCase(new[] { "chunks", "--url", "http://127.0.0.1:1", "--header", "novalue" }, "--header: 'novalue' is not NAME:VALUE")]
    public async Task Bad_chunks_arguments_are_one_line_errors(string[] args, string expected)
    {
        var result = await CommandKit.RunAsync(RepoPaths.RepoRoot, args);
        CommandKit.AssertOneLineError(result, expected);
    }
}
