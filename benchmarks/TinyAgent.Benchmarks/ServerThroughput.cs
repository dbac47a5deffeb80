using System.Diagnostics;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using TinyAgent.Harness.Formats;
using TinyAgent.Harness.Plan;
using TinyAgent.Harness.Replay;
using static TinyAgent.BenchmarkSupport.ScriptArgs;
using static TinyAgent.Benchmarks.ServerBenchmarkKit;

namespace TinyAgent.Benchmarks;

/// <summary>
/// <c>server-throughput</c>: streams/s of the replay server against plain Kestrel at concurrency 1, 8, 32, and
/// split fidelity (share of planned separate cuts a reading client saw as read boundaries, and the cost per cut).
/// Options: <c>--format NAME</c> (the recording's wire format: anthropic, openai-chat or openai-responses; default anthropic), <c>--seconds N</c> per measurement (default 3), <c>--rounds N</c> (default 6; medians of paired rounds), <c>--split-streams N</c> (default 20), <c>--baseline-reads-body</c> (the Kestrel endpoint reads the request first), <c>--verbose</c>.
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

    private static async Task<int> RunAsync(string[] args, TextWriter output)
    {
        var duration = TimeSpan.FromSeconds(Option(args, "--seconds", 3));
        int rounds = Option(args, "--rounds", 6);
        int splitStreams = Option(args, "--split-streams", 20);
        bool verbose = args.Contains("--verbose");
        int at = Array.IndexOf(args, "--format");
        var format = at >= 0 && at + 1 < args.Length ? WireFormats.Find(args[at + 1]) : WireFormats.Anthropic;
        if (format is null)
        {
            await output.WriteLineAsync($"--format: unknown format '{args[at + 1]}' (known: {string.Join(", ", WireFormats.Names)})").ConfigureAwait(false);
            return 2;
        }

        byte[] body = Recording(format);
        var plan = Plan(body, PerFrame);
        await output.WriteLineAsync($"recording ({format.Name}): {body.Length} bytes, {plan.Chunks.Count} chunks, no delays; {duration.TotalSeconds:0} s per measurement, median of {rounds} paired rounds").ConfigureAwait(false);

        await using var replay = await ReplayServer.StartAsync(new ReplayServerOptions(), StaticScenarioSource.Of("bench", plan), TimeProvider.System, CancellationToken.None).ConfigureAwait(false);
        await using var kestrel = await StartKestrelAsync(plan, args.Contains("--baseline-reads-body")).ConfigureAwait(false);
        var kestrelUrl = new Uri(kestrel.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + format.Path);
        var replayUrl = new Uri(replay.ScenarioUrl("bench") + format.Path);
        using var client = ServerBenchmarkKit.Client();

        await output.WriteLineAsync("| concurrency | plain Kestrel (streams/s) | replay server (streams/s) | ratio |").ConfigureAwait(false);
        await output.WriteLineAsync("|---:|---:|---:|---:|").ConfigureAwait(false);
        long memoryBefore = 0;
        foreach (int concurrency in new[] { 1, 8, 32 })
        {
            // Warm both, then alternate rounds so background load hits both alike.
            await StreamsPerSecondAsync(client, kestrelUrl, concurrency, body.Length, TimeSpan.FromSeconds(0.5), 5_000, format).ConfigureAwait(false);
            await StreamsPerSecondAsync(client, replayUrl, concurrency, body.Length, TimeSpan.FromSeconds(0.5), 5_000, format).ConfigureAwait(false);
            if (memoryBefore == 0)
            {
                memoryBefore = ManagedAfterGc();
            }

            // Paired rounds (order alternating) and the median of their ratios: steady against other load on the machine.
            var kestrelRates = new List<double>();
            var replayRates = new List<double>();
            var ratios = new List<double>();
            for (int round = 0; round < rounds; round++)
            {
                bool kestrelFirst = round % 2 == 0;
                double first = await StreamsPerSecondAsync(client, kestrelFirst ? kestrelUrl : replayUrl, concurrency, body.Length, duration, 1_000_000, format).ConfigureAwait(false);
                double second = await StreamsPerSecondAsync(client, kestrelFirst ? replayUrl : kestrelUrl, concurrency, body.Length, duration, 1_000_000, format).ConfigureAwait(false);
                (double k, double r) = kestrelFirst ? (first, second) : (second, first);
                kestrelRates.Add(k);
                replayRates.Add(r);
                ratios.Add(r / k);
                if (verbose)
                {
                    await output.WriteLineAsync($"  round {round}: kestrel {k:N0}, replay {r:N0}").ConfigureAwait(false);
                }
            }

            await output.WriteLineAsync($"| {concurrency} | {Median(kestrelRates):N0} | {Median(replayRates):N0} | {Median(ratios):0.00}x |").ConfigureAwait(false);
        }

        long memoryAfter = ManagedAfterGc();
        int requests = replay.AttemptsOf("bench");
        await output.WriteLineAsync($"memory: managed heap after GC {memoryBefore / 1024 / 1024} MB after warm-up, {memoryAfter / 1024 / 1024} MB after {requests:N0} replayed streams; working set {Environment.WorkingSet / 1024 / 1024} MB").ConfigureAwait(false);

        await SplitFidelityAsync(body, format, splitStreams, output).ConfigureAwait(false);
        return 0;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static long ManagedAfterGc()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return GC.GetTotalMemory(forceFullCollection: true);
    }

    /// <summary>A split inside every frame (both sides of each split chunk are cuts the client must see), at several gaps.</summary>
    private static async Task SplitFidelityAsync(byte[] body, IWireFormat format, int streams, TextWriter output)
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
            var url = new Uri(server.ScenarioUrl("split") + format.Path);
            long seen = 0, planned = 0;
            var times = new List<double>();
            var buffer = new byte[256 * 1024];
            for (int i = 0; i < streams; i++)
            {
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                var clock = Stopwatch.StartNew();
                using var request = Request(url, format);
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
