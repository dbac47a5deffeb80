namespace TinyAgent.Harness.Plan.Faults;

/// <summary>Options of <c>latency</c>. Defaults look like a real API: 300 ms to the first byte, 20 ms between chunks, up to 10 ms jitter.</summary>
internal sealed record LatencyOptions : IFaultOptions
{
    /// <summary>Milliseconds before the first byte. Default 300.</summary>
    public int FirstByteMs { get; init; } = 300;

    /// <summary>Milliseconds before each later chunk. Default 20.</summary>
    public int BetweenChunksMs { get; init; } = 20;

    /// <summary>Up to this many milliseconds added to each wait, drawn from the seed. Default 10.</summary>
    public int JitterMs { get; init; } = 10;

    public IEnumerable<string> Validate()
    {
        if (FirstByteMs < 0)
        {
            yield return "firstByteMs: must not be negative";
        }

        if (BetweenChunksMs < 0)
        {
            yield return "betweenChunksMs: must not be negative";
        }

        if (JitterMs < 0)
        {
            yield return "jitterMs: must not be negative";
        }
    }
}

/// <summary>Timing: waits before the first byte and between chunks, with seeded jitter. Adds to waits other faults planned. Lossless.</summary>
[Fault("latency", typeof(LatencyOptions), FaultStage.Timing)]
internal sealed class LatencyFault(LatencyOptions options) : Fault<LatencyOptions>(options)
{
    public override void Apply(PlanBuilder plan)
    {
        Add(plan, 0, Options.FirstByteMs);
        foreach (int cut in plan.Cuts)
        {
            Add(plan, cut, Options.BetweenChunksMs);
        }
    }

    private void Add(PlanBuilder plan, int offset, int baseMs)
    {
        int ms = baseMs + (Options.JitterMs > 0 ? plan.Random.Next(Options.JitterMs + 1) : 0);
        if (ms > 0)
        {
            plan.AddDelay(offset, TimeSpan.FromMilliseconds(ms));
        }
    }
}
