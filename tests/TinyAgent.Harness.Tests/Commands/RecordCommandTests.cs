using System.Text;
using TinyAgent.Harness.Model;
using TinyAgent.Harness.Plan;
using TinyAgent.Harness.Plan.Faults;
using TinyAgent.Harness.Recordings;
using TinyAgent.Harness.Replay;
using TinyAgent.Harness.Tests.Recordings;

namespace TinyAgent.Harness.Tests.Commands;

[Parallelizable(ParallelScope.All)]
internal sealed class RecordCommandTests
{
    [Test]
    public async Task Record_relays_the_upstream_stream_and_saves_a_recording_that_replays_to_the_same_bytes()
    {
        var source = RecordingLoader.Load(Path.Combine(RepoPaths.RecordingsFolder, "tool-use.sse"));
        var upstreamPlan = FaultPlanner.Plan(source, [FaultRegistry.Parse("latency:firstByteMs=5,betweenChunksMs=10,jitterMs=0", "")], 1, 1);
        var withCookie = upstreamPlan with { Headers = [.. upstreamPlan.Headers, new("set-cookie", "session=" + CommandKit.Key), new("x-upstream-token", CommandKit.Key)] };
        await using var upstream = await ReplayServer.StartAsync(new ReplayServerOptions(), StaticScenarioSource.Of("up", withCookie), TimeProvider.System, CancellationToken.None).WaitAsync(CommandKit.Bound);
        using var dir = new TempFolder();
        File.WriteAllText(dir.File("harness.json"), "{\"recordings\":[\"recordings/*.sse\"],\"scenarios\":[{\"name\":\"baseline\",\"faults\":[]}],\"clients\":[{\"name\":\"tinyagent\"}],\"redactHeaders\":[\"X-Upstream-Token\"]}");

        var (exit, output, err, interrupt) = CommandKit.Start(dir.Path, "record", "--upstream", upstream.ScenarioUrl("up").ToString(), "--out", "recordings/captured.sse", "--once");
        using (interrupt)
        {
            var proxyUrl = CommandKit.UrlIn(await output.WaitForLineAsync(l => l.StartsWith("record: listening on ", StringComparison.Ordinal)));
            Assert.That(proxyUrl.Host, Is.EqualTo("127.0.0.1"));
            using var http = CommandKit.Client();
            var (status, received) = await CommandKit.ReadAllAsync(http, proxyUrl);
            Assert.That(await exit.WaitAsync(CommandKit.Bound), Is.EqualTo(0), err.ToString());

            Assert.That(status, Is.EqualTo(200));
            Assert.That(received, Is.EqualTo(source.Body), "the client got the upstream's bytes");
        }

        string saved = Path.Combine(dir.Path, "recordings", "captured.sse");
        var recording = RecordingLoader.Load(saved);
        Assert.That(recording.Body, Is.EqualTo(source.Body));
        Assert.That(recording.Meta.Status, Is.EqualTo(200));
        Assert.That(recording.Meta.Timeline, Has.Count.GreaterThan(1), "reads 10 ms apart are saved as separate timeline entries");
        Assert.That(recording.Meta.Headers, Does.Contain(new KeyValuePair<string, string>("set-cookie", HeaderRedactor.Redacted)));
        Assert.That(recording.Meta.Headers, Does.Contain(new KeyValuePair<string, string>("x-upstream-token", HeaderRedactor.Redacted)), "the config's redactHeaders");

        var replay = FaultPlanner.Plan(recording, [new RecordedChunkingFault(new RecordedChunkingOptions())], 1, 1);
        Assert.That(replay.Chunks.SelectMany(c => c.Data.ToArray()), Is.EqualTo(source.Body), "replays to the same bytes");
        Assert.That(replay.Chunks, Has.Count.EqualTo(recording.Meta.Timeline!.Count));

        foreach (string file in Directory.GetFiles(Path.Combine(dir.Path, "recordings")))
        {
            Assert.That(Encoding.UTF8.GetString(File.ReadAllBytes(file)), Does.Not.Contain(CommandKit.Key), file);
        }

        Assert.That(output.ToString(), Does.Match(@"request 1: status 200, \d+ B in \d+ reads, \d+ ms, complete; saved recordings/captured.sse"));
        Assert.That(output.ToString() + err, Does.Not.Contain(CommandKit.Key));

        var evidence = await upstream.WaitForCompletionAsync("up", 1, CancellationToken.None).WaitAsync(CommandKit.Bound);
        var logged = upstream.RequestLog.Single();
        Assert.That(logged.Headers, Does.Contain(new KeyValuePair<string, string>("x-api-key", HeaderRedactor.Redacted)), "the key was forwarded upstream");
        Assert.That(evidence.Ending.ToName(), Is.EqualTo("complete"));
    }

    [Test]
    public async Task Record_names_later_recordings_with_a_counter_until_interrupted()
    {
        var source = RecordingLoader.Load(Path.Combine(RepoPaths.RecordingsFolder, "text-short.sse"));
        var plan = FaultPlanner.Plan(source, [], 1, 1);
        await using var upstream = await ReplayServer.StartAsync(new ReplayServerOptions(), StaticScenarioSource.Of("up", plan), TimeProvider.System, CancellationToken.None).WaitAsync(CommandKit.Bound);
        using var dir = new TempFolder();

        var (exit, output, _, interrupt) = CommandKit.Start(dir.Path, "record", "--upstream", upstream.ScenarioUrl("up").ToString(), "--out", "r/talk.sse");
        using (interrupt)
        {
            var proxyUrl = CommandKit.UrlIn(await output.WaitForLineAsync(l => l.StartsWith("record: listening on ", StringComparison.Ordinal)));
            using var http = CommandKit.Client();
            for (int i = 1; i <= 2; i++)
            {
                await CommandKit.ReadAllAsync(http, proxyUrl);
                await output.WaitForLineAsync(l => l.StartsWith($"request {i}:", StringComparison.Ordinal));
            }

            await interrupt.CancelAsync();
            Assert.That(await exit.WaitAsync(CommandKit.Bound), Is.EqualTo(0));
        }

        Assert.That(RecordingLoader.Load(Path.Combine(dir.Path, "r", "talk.sse")).Body, Is.EqualTo(source.Body));
        Assert.That(RecordingLoader.Load(Path.Combine(dir.Path, "r", "talk-2.sse")).Body, Is.EqualTo(source.Body));
        Assert.That(output.ToString(), Does.Contain("record: 2 recording(s) saved"));
    }

    [TestCase(new[] { "record", "--upstream", "http://127.0.0.1:9", "--out", "x.txt" }, "--out: 'x.txt' must end with .sse")]
    [TestCase(new[] { "record", "--upstream", "not a url", "--out", "x.sse" }, "--upstream: 'not a url' is not an http or https URL")]
    [TestCase(new[] { "record", "--out", "x.sse" }, "--upstream")]
    [TestCase(new[] { "record", "--upstream", "http://127.0.0.1:9", "--out", "x.sse", "--port", "70000" }, "Proxy port 70000 is out of range")]
    public async Task Bad_record_arguments_are_one_line_errors(string[] args, string expected)
    {
        using var dir = new TempFolder();
        var result = await CommandKit.RunAsync(dir.Path, args);
        CommandKit.AssertOneLineError(result, expected);
    }
}
