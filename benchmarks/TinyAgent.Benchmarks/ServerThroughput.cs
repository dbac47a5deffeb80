using System.Diagnostics;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using TinyAgent.Harness.Server;
using static TinyAgent.Benchmarks.ServerBenchmarkKit;

namespace TinyAgent.Benchmarks;

/// <summary>
/// <c>server-throughput</c>: streams/s of the replay server against plain Kestrel at concurrency 1, 8, 32, and
/// split fidelity (share of planned separate cuts a reading client saw as read boundaries, and the cost per cut).
/// Options: <c>--seconds N</c> per measurement (default 3), <c>--rounds N</c> (default 3, best round kept), <c>--split-streams N</c> (default 20).
/// Every loop is bounded in count and time.
/// </summary>
internal static class ServerThroughput
{
    /// <summary>Runs the benchmark named in <paramref name="args"/>[0] if it is one of the server's; null otherwise.</summary>
    public static int? TryRun(string[] args)
    {
        if (args.Length == 0 || args[0] != "server-throughput")
        {
            return null;
        }

        return RunAsync(args[1..], Console.Out).GetAwaiter().GetResult();
    }

    private static int Option(string[] args, string name, int fallback)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length && int.TryParse(args[at + 1], out int value) && value > 0 ? value : fallback;
    }

    private static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        var duration = TimeSpan.FromSeconds(Option(args, "--seconds", 3));
        int rounds = Option(args, "--rounds", 3);
        int splitStreams = Option(args, "--split-streams", 20);
        byte[] body = Recording();
        var plan = Plan(body, PerFrame);
        await output.WriteLineAsync($"recording: {body.Length} bytes, {plan.Chunks.Count} chunks, no delays; {duration.TotalSeconds:0} s per measurement, best of {rounds}").ConfigureAwait(false);

        await using var replay = await ReplayServer.StartAsync(new ReplayServerOptions(), StaticScenarioSource.Of("bench", plan), TimeProvider.System, CancellationToken.None).ConfigureAwait(false);
        await using var kestrel = await StartKestrelAsync(plan).ConfigureAwait(false);
        var kestrelUrl = new Uri(kestrel.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/v1/messages");
        var replayUrl = new Uri(replay.ScenarioUrl("bench") + "/v1/messages");
        using var client = ServerBenchmarkKit.Client();

        await output.WriteLineAsync("| concurrency | plain Kestrel (streams/s) | replay server (streams/s) | ratio |").ConfigureAwait(false);
        await output.WriteLineAsync("|---:|---:|---:|---:|").ConfigureAwait(false);
        long memoryBefore = 0;
        foreach (int concurrency in new[] { 1, 8, 32 })
        {
            // Warm both, then alternate rounds so background load hits both alike.
            await StreamsPerSecondAsync(client, kestrelUrl, concurrency, body.Length, TimeSpan.FromSeconds(0.5), 5_000).ConfigureAwait(false);
            await StreamsPerSecondAsync(client, replayUrl, concurrency, body.Length, TimeSpan.FromSeconds(0.5), 5_000).ConfigureAwait(false);
            if (memoryBefore == 0)
            {
                memoryBefore = ManagedAfterGc();
            }

            double bestKestrel = 0, bestReplay = 0;
            for (int round = 0; round < rounds; round++)
            {
                bestKestrel = Math.Max(bestKestrel, await StreamsPerSecondAsync(client, kestrelUrl, concurrency, body.Length, duration, 1_000_000).ConfigureAwait(false));
                bestReplay = Math.Max(bestReplay, await StreamsPerSecondAsync(client, replayUrl, concurrency, body.Length, duration, 1_000_000).ConfigureAwait(false));
            }

            await output.WriteLineAsync($"| {concurrency} | {bestKestrel:N0} | {bestReplay:N0} | {bestReplay / bestKestrel:0.00}x |").ConfigureAwait(false);
        }

        long memoryAfter = ManagedAfterGc();
        int requests = replay.AttemptsOf("bench");
        await output.WriteLineAsync($"memory: managed heap after GC {memoryBefore / 1024 / 1024} MB after warm-up, {memoryAfter / 1024 / 1024} MB after {requests:N0} replayed streams; working set {Environment.WorkingSet / 1024 / 1024} MB").ConfigureAwait(false);

        await SplitFidelityAsync(body, splitStreams, output).ConfigureAwait(false);
        return 0;
    }

    private static long ManagedAfterGc()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    /// <summary>A split inside every frame (both sides of each split chunk are cuts the client must see), at several gaps.</summary>
    private static async Task SplitFidelityAsync(byte[] body, int streams, TextWriter output)
    {
        var plan = Plan(body, b =>
        {
            foreach (var frame in b.Layout.Frames)
            {
                b.AddCut(frame.Start + (frame.Length / 2), separate: true);
                b.AddCut(frame.End);
            }
        });
        var cuts = new HashSet<int>(plan.Chunks.Where(c => c.Separate).SelectMany(c => new[] { c.Offset, c.End }).Where(o => o > 0 && o < body.Length));
        await output.WriteLineAsync().ConfigureAwait(false);
        await output.WriteLineAsync($"split fidelity: {cuts.Count} planned cuts per stream ({plan.Chunks.Count} chunks), {streams} streams per gap, one at a time, client reads into a 256 KB buffer").ConfigureAwait(false);
        await output.WriteLineAsync("| split gap | cuts seen as read boundaries | stream time (ms, median) | cost per cut (ms) |").ConfigureAwait(false);
        await output.WriteLineAsync("|---:|---:|---:|---:|").ConfigureAwait(false);
        double baseline = 0;
        foreach (double gapMs in new[] { 0.0, 1, 2, 3, 5, 10 })
        {
            await using var server = await ReplayServer.StartAsync(
                new ReplayServerOptions { SplitGap = TimeSpan.FromMilliseconds(gapMs) },
                StaticScenarioSource.Of("split", plan),
                TimeProvider.System,
                CancellationToken.None).ConfigureAwait(false);
            using var client = ServerBenchmarkKit.Client();
            var url = new Uri(server.ScenarioUrl("split") + "/v1/messages");
            long seen = 0, planned = 0;
            var times = new List<double>();
            var buffer = new byte[256 * 1024];
            for (int i = 0; i < streams; i++)
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                var clock = Stopwatch.StartNew();
                using var request = Request(url);
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token).ConfigureAwait(false);
                await using var stream = await response.Content.ReadAsStreamAsync(cts.Token).ConfigureAwait(false);
                var boundaries = new HashSet<int>();
                int offset = 0, n;
                while ((n = await stream.ReadAsync(buffer, cts.Token).ConfigureAwait(false)) > 0)
                {
                    offset += n;
                    boundaries.Add(offset);
                }

                times.Add(clock.Elapsed.TotalMilliseconds);
                planned += cuts.Count;
                seen += cuts.Count(boundaries.Contains);
            }

            times.Sort();
            double median = times[times.Count / 2];
            if (gapMs == 0)
            {
                baseline = median;
            }

            string cost = gapMs == 0 ? "-" : $"{(median - baseline) / cuts.Count:0.00}";
            await output.WriteLineAsync($"| {gapMs:0} ms | {100.0 * seen / planned:0.0}% ({seen}/{planned}) | {median:0.0} | {cost} |").ConfigureAwait(false);
        }
    }
}
