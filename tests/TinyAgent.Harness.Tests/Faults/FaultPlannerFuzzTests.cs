using System.Diagnostics;
using TinyAgent.Harness.Plan;
using TinyAgent.Harness.Plan.Faults;
using TinyAgent.Harness.Recordings;

namespace TinyAgent.Harness.Tests.Faults;

/// <summary>Random fault combinations, from a fixed seed so CI runs the same cases every time.</summary>
internal sealed class FaultPlannerFuzzTests
{
    private const int Cases = 600;

    private static readonly Dictionary<string, Func<Random, string>> Specs = new()
    {
        ["fixed"] = r => $"fixed:size={r.Next(1, 80)}",
        ["random"] = r => { int min = r.Next(1, 20); return $"random:min={min},max={min + r.Next(0, 60)}"; },
        ["bytewise"] = _ => "bytewise",
        ["per-frame"] = _ => "per-frame",
        ["recorded"] = r => $"recorded:speed={0.5 + r.NextDouble() * 4}",
        ["split"] = r => $"split:kinds={string.Join('+', SplitOptions.AllKinds.Where(_ => r.Next(2) == 0).DefaultIfEmpty("json"))},fraction={r.NextDouble()}",
        ["latency"] = r => $"latency:firstByteMs={r.Next(0, 500)},betweenChunksMs={r.Next(0, 50)},jitterMs={r.Next(0, 20)}",
        ["error-event"] = r => r.Next(2) == 0 ? $"error-event:afterEvents={r.Next(0, 30)}" : $"error-event:atFraction={r.NextDouble()}",
        ["max-tokens"] = r => r.Next(2) == 0 ? $"max-tokens:afterTextDeltas={r.Next(1, 10)}" : $"max-tokens:atFraction={r.NextDouble()}",
        ["drop"] = r => r.Next(2) == 0 ? $"drop:afterBytes={r.Next(1, 2000)}" : $"drop:afterEvents={r.Next(0, 30)},midFrame={(r.Next(2) == 0 ? "true" : "false")},mode=clean-close",
        ["stall"] = r => $"stall:afterEvents={r.Next(0, 30)},keepalive={StallOptions.KeepaliveKinds[r.Next(3)]}",
        ["http-error"] = r => $"http-error:status={new[] { 429, 500, 529, 503 }[r.Next(4)]},attempts={r.Next(1, 3)}",
        ["garbage"] = r => r.Next(2) == 0 ? "garbage:modes=unknown-types" : $"garbage:modes=invalid-json,invalidJson={GarbageOptions.InvalidJsonPlacements[r.Next(2)]}",
        ["bom"] = r => $"bom:split={(r.Next(2) == 0 ? "true" : "false")}",
        ["line-endings"] = r => $"line-endings:mode={LineEndingsOptions.Modes[r.Next(LineEndingsOptions.Modes.Count)]}",
        ["done-marker"] = _ => "done-marker",
        ["tool-cut"] = r => $"tool-cut:atFraction={r.NextDouble()}",
        ["pause"] = r => $"pause:ms={r.Next(1, 3000)},everyMs={r.Next(1, 500)},afterEvents={r.Next(0, 30)}",
        ["bandwidth"] = r => $"bandwidth:bytesPerSecond={r.Next(1, 100_000)}",
        ["slow-close"] = r => r.Next(2) == 0 ? "slow-close" : $"slow-close:holdMs={r.Next(1, 5000)}",
    };

    private static readonly HashSet<string> Lossless = ["fixed", "random", "bytewise", "per-frame", "recorded", "split", "latency", "bandwidth", "slow-close"];

    /// <summary>Faults that change the bytes but not what a correct reader reads.</summary>
    private static readonly HashSet<string> SameAnswer = [.. Lossless, "bom", "line-endings", "done-marker", "pause"];

    private static readonly Recording LoneCr = TestStreams.Lf with
    {
        Name = "cr",
        Body = [.. TestStreams.Lf.Body.Select(b => b == (byte)'\n' ? (byte)'\r' : b)],
    };

    [Test]
    public void Every_kind_is_covered_by_the_generators()
    {
        Assert.That(Specs.Keys, Is.EquivalentTo(FaultRegistry.Kinds.Select(k => k.Kind)));
    }

    [Test]
    public void Random_fault_combinations_never_lose_bytes_and_always_finish()
    {
        Recording[] recordings = [.. TestStreams.All, LoneCr];
        var random = new Random(20261124);
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < Cases; i++)
        {
            var recording = recordings[random.Next(recordings.Length)];
            var kinds = Enumerable.Range(0, random.Next(1, 5)).Select(_ => Specs.Keys.ElementAt(random.Next(Specs.Count))).ToList();
            var specs = kinds.Select(k => Specs[k](random)).ToList();
            int attempt = random.Next(1, 4);
            int seed = random.Next();
            string label = $"case {i}: {recording.Name} [{string.Join(" ", specs)}] attempt {attempt} seed {seed}";

            var faults = specs.Select(s => FaultRegistry.Parse(s, label)).ToList();
            var plan = FaultPlanner.Plan(recording, faults, attempt, seed);

            // Chunks tile the body exactly: chunking, split and latency pass every byte on.
            Assert.That(TestStreams.Concat(plan).AsSpan().SequenceEqual(plan.Body), Is.True, label);
            Assert.That(plan.Chunks.All(c => c.Data.Length > 0 && c.DelayBefore >= TimeSpan.Zero), Is.True, label);
            Assert.That(plan.Chunks.Zip(plan.Chunks.Skip(1)).All(p => p.First.End == p.Second.Offset), Is.True, label);

            if (plan.Facts.HttpErrorStatus is not null)
            {
                Assert.That(plan.Chunks, Has.Count.EqualTo(1), label);
                continue;
            }

            if (kinds.All(Lossless.Contains))
            {
                Assert.That(plan.Body.AsSpan().SequenceEqual(recording.Body), Is.True, label);
                Assert.That(plan.Expected!.Text, Is.EqualTo(recording.Expected.Text), label);
                Assert.That(plan.Facts.BytesDropped, Is.Zero, label);
            }

            if (kinds.All(SameAnswer.Contains))
            {
                Assert.That(plan.Expected!.Blocks, Is.EqualTo(recording.Expected.Blocks), label);
                Assert.That(plan.Expected.StopReason, Is.EqualTo(recording.Expected.StopReason), label);
            }

            if (kinds.Where(k => !Lossless.Contains(k)).All(k => k is "drop" or "stall"))
            {
                Assert.That(recording.Body.AsSpan().StartsWith(plan.Body), Is.True, label);
                Assert.That(plan.Facts.BytesDropped, Is.EqualTo(recording.Body.Length - plan.Body.Length), label);
            }

            if (!kinds.Contains("garbage"))
            {
                Assert.That(plan.Expected, Is.Not.Null, label + ": the rewritten body must stay readable");
            }

            // The log line replays to the same plan.
            var replayed = FaultPlanner.Plan(recording, [.. plan.FaultDescriptions.Select(d => FaultRegistry.Parse(d, label))], attempt, seed);
            Assert.That(replayed.Chunks.Select(c => (c.Offset, c.Separate, c.DelayBefore)).SequenceEqual(plan.Chunks.Select(c => (c.Offset, c.Separate, c.DelayBefore))), Is.True, label);
        }

        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(30)), "the planner stays fast");
    }
}
