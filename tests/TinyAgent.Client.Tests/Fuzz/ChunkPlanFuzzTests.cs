using System.Diagnostics;

namespace TinyAgent.Client.Tests.Fuzz;

/// <summary>However the body is cut into reads, the client reads the same message as from the whole body.</summary>
internal sealed class ChunkPlanFuzzTests
{
    [Test]
    public async Task Any_chunk_plan_over_any_bundled_recording_gives_the_whole_body_result()
    {
        var recordings = FuzzKit.Recordings;
        Assert.That(recordings, Has.Count.GreaterThanOrEqualTo(10), "the bundled recordings were found");
        var expected = new string[recordings.Count];
        for (int i = 0; i < recordings.Count; i++)
        {
            expected[i] = await FuzzKit.OutcomeAsync([recordings[i].Body]).WaitAsync(FuzzKit.ParseBound);
        }

        int iterations = FuzzKit.Iterations;
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();

        // Plan n is drawn from its own seed, so a failure reproduces alone and the loop can use every core.
        await Parallel.ForAsync(0, iterations, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, async (n, _) =>
        {
            int r = n % recordings.Count;
            var chunks = FuzzKit.RandomChunks(recordings[r].Body, new Random(FuzzKit.Seed + n));
            string actual = await FuzzKit.OutcomeAsync(chunks, enumerate: n % 2 == 1).WaitAsync(FuzzKit.ParseBound);
            if (actual != expected[r])
            {
                failures.Add($"plan {n} (seed {FuzzKit.Seed} + {n}) over {recordings[r].Name}: reads [{string.Join(",", chunks.Select(c => c.Length))}]\nexpected:\n{expected[r]}\nactual:\n{actual}");
            }
        }).WaitAsync(TimeSpan.FromMinutes(10));

        Assert.That(failures, Is.Empty);
        TestContext.Out.WriteLine($"chunk plans: {FuzzKit.Rate(iterations, watch)} over {recordings.Count} recordings, {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds:0.0} s CPU");
    }
}
