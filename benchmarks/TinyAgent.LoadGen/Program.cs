using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using TinyAgent.Harness.Plan;
using TinyAgent.Harness.Plan.Faults;
using TinyAgent.Harness.Recordings;
using TinyAgent.Harness.Replay;
using static TinyAgent.BenchmarkSupport.ScriptArgs;

namespace TinyAgent.LoadGen;

/// <summary>
/// Load and soak for the replay server, on 127.0.0.1 only, bounded in streams and time.
/// Starts the server in-process, opens C concurrent streams of one recording planned per frame at 20 events/s
/// (latency betweenChunksMs 50), reads them with a raw HttpClient and measures each chunk's lateness: its arrival
/// against its planned send time, both relative to the stream's first byte.
/// <code>
/// dotnet run -c Release --project benchmarks/TinyAgent.LoadGen -- sweep [--levels 250,500,1000,1500,2000] [--warmup 200] [--recording PATH]
/// dotnet run -c Release --project benchmarks/TinyAgent.LoadGen -- soak [--concurrency 200] [--minutes 10] [--recording PATH]
/// </code>
/// </summary>
internal static class Program
{
    private const double TargetP99Ms = 20;
    private const int MaxConcurrency = 5_000;
    private const double MaxMinutes = 60;

    private static async Task<int> Main(string[] args)
    {
        string mode = args.Length > 0 ? args[0] : "sweep";
        string recordingPath = Option(args, "--recording") ?? FindRecording("text-long-cjk.sse");
        int[] levels = [.. (Option(args, "--levels") ?? "250,500,1000,1500,2000").Split(',').Select(s => Math.Clamp(int.Parse(s, CultureInfo.InvariantCulture), 1, MaxConcurrency))];
        int concurrency = Math.Clamp(int.Parse(Option(args, "--concurrency") ?? "200", CultureInfo.InvariantCulture), 1, MaxConcurrency);
        double minutes = Math.Clamp(double.Parse(Option(args, "--minutes") ?? "10", CultureInfo.InvariantCulture), 0.1, MaxMinutes);

        // Thousands of concurrent timers and sockets: do not let the pool's slow thread injection add lateness.
        ThreadPool.SetMinThreads(Math.Max(64, Environment.ProcessorCount * 16), Math.Max(64, Environment.ProcessorCount * 16));

        var recording = RecordingLoader.Load(recordingPath);
        var faults = new[] { FaultRegistry.Parse("per-frame", "load"), FaultRegistry.Parse("latency:firstByteMs=0,betweenChunksMs=50,jitterMs=0", "load") };
        var plan = FaultPlanner.Plan(recording, faults, attempt: 1, seed: 1);
        var source = StaticScenarioSource.Of("load", plan);
        await using var server = await ReplayServer.StartAsync(new ReplayServerOptions { RequestLogLimit = 0, EvidenceLimitPerScenario = 1 }, source, TimeProvider.System, CancellationToken.None);
        if (!IPAddress.IsLoopback(IPAddress.Parse(server.BaseUrl.Host)))
        {
            throw new InvalidOperationException("the load generator targets 127.0.0.1 only");
        }

        var schedule = Schedule(plan);
        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}; load average {LoadAverage()}");
        Console.WriteLine($"recording {recording.Name}: {plan.Chunks.Count} chunks, {plan.Body.Length} bytes, {schedule[^1].AtMs / 1000:0.0} s per stream at 20 events/s; server {server.BaseUrl}");
        using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), MaxConnectionsPerServer = int.MaxValue }) { Timeout = Timeout.InfiniteTimeSpan };
        var url = new Uri(server.ScenarioUrl("load") + "/v1/messages");

        if (mode == "soak")
        {
            return await SoakAsync(http, url, plan.Body.Length, schedule, concurrency, TimeSpan.FromMinutes(minutes));
        }

        // The first level of a fresh process also pays for JIT, thread injection and connection set-up (one sweep
        // measured 1,000 streams at p99 32 ms as its first level and 16 ms after a smaller one): warm up, uncounted.
        int warmup = Math.Clamp(int.Parse(Option(args, "--warmup") ?? "200", CultureInfo.InvariantCulture), 0, MaxConcurrency);
        if (warmup > 0)
        {
            var warm = await LevelAsync(http, url, plan.Body.Length, schedule, warmup);
            Console.WriteLine($"warm-up C={warmup} (not counted): errors {warm.Errors}, p99 {warm.P99:0.0} ms");
        }

        int best = 0;
        foreach (int level in levels)
        {
            var result = await LevelAsync(http, url, plan.Body.Length, schedule, level);
            bool ok = result.Errors == 0 && result.P99 <= TargetP99Ms;
            Console.WriteLine($"C={level,5}: {result.Streams} streams, {result.Samples} chunks, errors {result.Errors}, lateness p50 {result.P50:0.0} ms, p99 {result.P99:0.0} ms, max {result.Max:0.0} ms, wall {result.Wall.TotalSeconds:0.0} s, load average {LoadAverage()} {(ok ? "OK" : "MISS")}{(result.FirstError is null ? "" : $" (first error: {result.FirstError})")}");
            if (ok)
            {
                best = Math.Max(best, level);
            }
        }

        Console.WriteLine($"highest concurrency with no errors and p99 <= {TargetP99Ms} ms: {(best == 0 ? "none" : best.ToString(CultureInfo.InvariantCulture))}");
        return 0;
    }

    /// <summary>Planned send time of each chunk (ms after the first chunk) and the body offset it ends at.</summary>
    private static (int End, double AtMs)[] Schedule(ReplayPlan plan)
    {
        var result = new (int End, double AtMs)[plan.Chunks.Count];
        double at = 0;
        for (int i = 0; i < plan.Chunks.Count; i++)
        {
            var chunk = plan.Chunks[i];
            at += i == 0 ? 0 : chunk.DelayBefore.TotalMilliseconds;
            result[i] = (chunk.Offset + chunk.Data.Length, at);
        }

        return result;
    }

    private sealed record LevelResult(int Streams, int Samples, int Errors, double P50, double P99, double Max, TimeSpan Wall, string? FirstError);

    private static async Task<LevelResult> LevelAsync(HttpClient http, Uri url, int length, (int End, double AtMs)[] schedule, int concurrency)
    {
        var lateness = new List<double>[concurrency];
        int errors = 0;
        string? firstError = null;
        var watch = Stopwatch.StartNew();
        var rampOver = TimeSpan.FromMilliseconds(Math.Min(2000, concurrency * 2));
        await Parallel.ForAsync(0, concurrency, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, ct) =>
        {
            var startAt = rampOver * i / concurrency; // spread the connects, as independent users would
            var wait = startAt - watch.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, ct);
            }

            lateness[i] = [];
            string? error = await StreamOnceAsync(http, url, length, schedule, lateness[i]);
            if (error is not null)
            {
                Interlocked.Increment(ref errors);
                Interlocked.CompareExchange(ref firstError, error, null);
            }
        }).WaitAsync(TimeSpan.FromMinutes(5));

        var all = lateness.SelectMany(l => l ?? []).Order().ToArray();
        return new LevelResult(concurrency, all.Length, errors, Percentile(all, 0.50), Percentile(all, 0.99), all.Length == 0 ? 0 : all[^1], watch.Elapsed, firstError);
    }

    /// <summary>Reads one stream; adds each chunk's lateness in ms; returns an error description or null.</summary>
    private static async Task<string?> StreamOnceAsync(HttpClient http, Uri url, int length, (int End, double AtMs)[] schedule, List<double> lateness)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(schedule[^1].AtMs / 1000 + 60));
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url)
            {
                Content = new StringContent("""{"model":"load","max_tokens":64,"stream":true,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("x-api-key", "load-test-key");
            request.Headers.Add("anthropic-version", "2023-06-01");
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return $"status {(int)response.StatusCode}";
            }

            await using var body = await response.Content.ReadAsStreamAsync(cts.Token);
            var buffer = new byte[16 * 1024];
            int received = 0, next = 0;
            long first = 0;
            while (true)
            {
                int n = await body.ReadAsync(buffer, cts.Token);
                if (n == 0)
                {
                    break;
                }

                long now = Stopwatch.GetTimestamp();
                first = first == 0 ? now : first;
                received += n;
                double sinceFirst = Stopwatch.GetElapsedTime(first, now).TotalMilliseconds;
                for (; next < schedule.Length && schedule[next].End <= received; next++)
                {
                    lateness.Add(sinceFirst - schedule[next].AtMs);
                }
            }

            return received == length ? null : $"received {received} of {length} bytes";
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException)
        {
            return $"{e.GetType().Name}: {e.Message}";
        }
    }

    private static async Task<int> SoakAsync(HttpClient http, Uri url, int length, (int End, double AtMs)[] schedule, int concurrency, TimeSpan duration)
    {
        var watch = Stopwatch.StartNew();
        long streams = 0, errors = 0;
        var samples = new List<(double At, long Rss, int Fds)>();
        var late = new List<double>[concurrency];
        void Sample()
        {
            using var self = Process.GetCurrentProcess();
            samples.Add((watch.Elapsed.TotalSeconds, self.WorkingSet64, Directory.GetFiles("/proc/self/fd").Length));
            var s = samples[^1];
            Console.WriteLine($"t={s.At,6:0} s  rss {s.Rss / 1048576.0,7:0.0} MiB  fds {s.Fds,5}  streams {Interlocked.Read(ref streams),7}  errors {Interlocked.Read(ref errors)}  load average {LoadAverage()}");
        }

        Sample();
        using var sampler = new PeriodicTimer(TimeSpan.FromSeconds(10));
        var sampling = Task.Run(async () =>
        {
            while (await sampler.WaitForNextTickAsync())
            {
                Sample();
            }
        });

        await Parallel.ForAsync(0, concurrency, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (i, ct) =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(2000.0 * i / concurrency), ct);
            late[i] = [];
            while (watch.Elapsed < duration)
            {
                var mine = new List<double>();
                string? error = await StreamOnceAsync(http, url, length, schedule, mine);
                Interlocked.Increment(ref streams);
                if (error is not null)
                {
                    Interlocked.Increment(ref errors);
                    Console.WriteLine($"error: {error}");
                }

                late[i].Add(mine.Count == 0 ? 0 : mine.Max());
            }
        }).WaitAsync(duration + TimeSpan.FromMinutes(2));

        sampler.Dispose();
        await sampling;
        Sample();
        var maxPerStream = late.SelectMany(l => l ?? []).Order().ToArray();
        var start = samples[0];
        var end = samples[^1];
        Console.WriteLine($"soak C={concurrency} for {duration.TotalMinutes:0.#} min: {streams} streams, {errors} failed; per-stream max lateness p50 {Percentile(maxPerStream, 0.5):0.0} ms, p99 {Percentile(maxPerStream, 0.99):0.0} ms");
        Console.WriteLine($"per-stream max lateness p90 {Percentile(maxPerStream, 0.9):0.0} ms, p95 {Percentile(maxPerStream, 0.95):0.0} ms, max {(maxPerStream.Length == 0 ? 0 : maxPerStream[^1]):0.0} ms; streams over 100 ms: {maxPerStream.Count(l => l > 100)}, over 1 s: {maxPerStream.Count(l => l > 1000)}");
        Console.WriteLine($"rss MiB start {start.Rss / 1048576.0:0.0}, peak {samples.Max(s => s.Rss) / 1048576.0:0.0}, end {end.Rss / 1048576.0:0.0}; fds start {start.Fds}, peak {samples.Max(s => s.Fds)}, end {end.Fds}");
        return errors == 0 ? 0 : 1;
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static string FindRecording(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "recordings", name);
            if (File.Exists(Path.Combine(dir.FullName, "TinyAgent.slnx")) && File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"recordings/{name} not found above {AppContext.BaseDirectory}; pass --recording PATH");
    }
}
