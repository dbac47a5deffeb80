using System.Diagnostics;
using System.Globalization;
using TinyAgent.BenchmarkSupport;

namespace TinyAgent.Benchmarks;

/// <summary>
/// `client-parsing`: the ClientParsingBenchmarks methods timed in one process, each in its own block of rounds after a
/// full GC (interleaving them lets the SDK's 190 MB per call slow the others' GCs). Two passes over all four show drift.
/// Prints best, median and mean of each block's warm half, GC pause and allocation per call: a quick cross-check of
/// the BenchmarkDotNet figures on a noisy shared machine.
/// </summary>
internal static class ClientParsingRounds
{
    public static int? TryRun(string[] args)
    {
        if (args.Length == 0 || args[0] != "client-parsing")
            return null;
        RunAsync(ScriptArgs.Option(args, "--rounds", fallback: 60, min: 4)).GetAwaiter().GetResult();
        return 0;
    }

    private sealed class Series(string name, Func<Task<int>> run)
    {
        public string Name { get; } = name;
        public Func<Task<int>> Run { get; } = run;
        public List<double> Times { get; } = [];
        public TimeSpan Pause { get; set; }
        public long Allocated { get; set; }
    }

    private static async Task RunAsync(int rounds)
    {
        var bench = new ClientParsingBenchmarks();
        bench.Setup();
        Series[] all =
        [
            new("bare SseParser<string>", bench.BareSseParser),
            new("TinyAgent.Client GetFinalMessageAsync", bench.TinyAgentFinalMessage),
            new("TinyAgent.Client enumerate events", bench.TinyAgentEnumerate),
            new("Anthropic SDK CreateStreaming", bench.AnthropicSdk),
        ];
        for (var pass = 1; pass <= 2; pass++)
        {
            foreach (var series in all)
                await MeasureAsync(series, rounds).ConfigureAwait(false);
            Report(all, rounds, bench.EventCount, pass);
        }
    }

    private static async Task MeasureAsync(Series series, int rounds)
    {
        series.Times.Clear();
        series.Pause = TimeSpan.Zero;
        series.Allocated = 0;
        GC.Collect();
        GC.WaitForPendingFinalizers();
        for (var round = 0; round < rounds; round++)
        {
            var pause = GC.GetTotalPauseDuration();
            var allocated = GC.GetTotalAllocatedBytes(precise: true);
            var clock = Stopwatch.StartNew();
            await series.Run().ConfigureAwait(false);
            series.Times.Add(clock.Elapsed.TotalMilliseconds);
            // Only the warm half counts: the first rounds run tier-0 code.
            if (round >= rounds / 2)
            {
                series.Pause += GC.GetTotalPauseDuration() - pause;
                series.Allocated += GC.GetTotalAllocatedBytes(precise: true) - allocated;
            }
        }
    }

    private static void Report(Series[] all, int rounds, int eventCount, int pass)
    {
        var warmCount = rounds - (rounds / 2);
        var bare = Median(all[0]);
        var sdk = Median(all[^1]);
        Console.WriteLine($"pass {pass}: {rounds} rounds per method, warm half {warmCount}; {eventCount} events per call; load average {ScriptArgs.LoadAverage()}");
        Console.WriteLine("| Method | best (ms) | warm median (ms) | warm mean (ms) | median vs bare | SDK median / median | GC pause/call (ms) | B/event |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var s in all)
        {
            var warm = s.Times.Skip(rounds / 2).ToList();
            var median = Median(s);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {s.Name} | {s.Times.Min():F2} | {median:F2} | {warm.Average():F2} | {median / bare:F2}x | {sdk / median:F1}x | {s.Pause.TotalMilliseconds / warmCount:F2} | {s.Allocated / warmCount / eventCount:N0} |"));
        }
    }

    private static double Median(Series s)
    {
        var warm = s.Times.Skip(s.Times.Count / 2).Order().ToList();
        return warm[warm.Count / 2];
    }
}
