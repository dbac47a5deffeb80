using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using TinyAgent.Harness.Plan;
using TinyAgent.Harness.Plan.Faults;

namespace TinyAgent.Harness.Tests.Faults;

/// <summary>
/// Guards refactors of the planner and the faults: every part of many seeded plans that reaches the wire or a judge,
/// hashed. The hash was taken before the server review's refactor; an intended change to a fault's output updates it.
/// </summary>
internal sealed class PlanFingerprintTests
{
    private const string Expected = "B6CD5A64EF651D9BBDC10667AB375608F01DA06BF55F6811068C07E864C5CC75";

    private static readonly string[] Specs =
    [
        "fixed:size=7", "random:min=1,max=40", "bytewise", "per-frame", "recorded:speed=2", "split", "split:kinds=utf8+crlf,fraction=0.5",
        "latency:firstByteMs=100,betweenChunksMs=5,jitterMs=7", "error-event:afterEvents=4", "max-tokens:afterTextDeltas=2",
        "drop:afterEvents=3,midFrame=true", "drop:afterBytes=300,mode=clean-close", "stall:afterEvents=2,keepalive=ping,everyMs=40",
        "stall:afterEvents=5", "http-error:status=529,attempts=2,retryAfterSeconds=1,shouldRetry=true", "http-error:status=418",
        "garbage:modes=unknown-types", "garbage:modes=invalid-json",
    ];

    [Test]
    public void Seeded_plans_are_byte_identical_to_the_recorded_fingerprint()
    {
        var random = new Random(7);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        for (int i = 0; i < 400; i++)
        {
            var recording = TestStreams.All[random.Next(TestStreams.All.Count)];
            var faults = Enumerable.Range(0, random.Next(0, 4)).Select(_ => FaultRegistry.Parse(Specs[random.Next(Specs.Length)], "fingerprint")).ToList();
            var plan = FaultPlanner.Plan(recording, faults, attempt: random.Next(1, 4), seed: random.Next());
            hash.AppendData(Encoding.UTF8.GetBytes(Describe(plan)));
            hash.AppendData(plan.Body);
        }

        Assert.That(Convert.ToHexString(hash.GetHashAndReset()), Is.EqualTo(Expected));
    }

    private static string Describe(ReplayPlan plan)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"{plan.Status} {plan.End} {plan.Seed} {plan.Body.Length}\n");

        // The server sets its own request-id and never sends a plan's.
        foreach (var (name, value) in plan.Headers.Where(h => !h.Key.Equals("request-id", StringComparison.OrdinalIgnoreCase)))
        {
            sb.Append(CultureInfo.InvariantCulture, $"{name}: {value}\n");
        }

        foreach (var c in plan.Chunks)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{c.Offset}+{c.Data.Length}@{c.DelayBefore.Ticks}{(c.Separate ? "s" : "")} ");
        }

        sb.Append(CultureInfo.InvariantCulture, $"\nstall {plan.Stall?.Every?.Ticks} {Convert.ToHexString(plan.Stall?.Keepalive.ToArray() ?? [])}\n");
        var f = plan.Facts;
        sb.Append(CultureInfo.InvariantCulture, $"{f.CutsInsideFrames} {string.Join('+', f.SplitKinds)} {f.InjectedErrorType} {f.MaxTokensEnding} {f.Truncated} {f.Stalls} {f.HttpErrorStatus} {f.Garbage} {f.BytesDropped}\n");
        sb.Append(CultureInfo.InvariantCulture, $"{plan.Expected?.Text} {plan.Expected?.StopReason} {plan.Expected?.ErrorType} {plan.Expected?.EventCount}\n");
        sb.Append(string.Join(" | ", plan.FaultDescriptions)).Append('\n');
        sb.Append(string.Join(',', plan.FrameEnds)).Append('\n');
        return sb.ToString();
    }
}
