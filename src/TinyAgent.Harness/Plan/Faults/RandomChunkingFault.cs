namespace TinyAgent.Harness.Plan.Faults;

/// <summary>Options of <c>random</c>.</summary>
internal sealed record RandomChunkingOptions : IFaultOptions
{
    /// <summary>Smallest chunk in bytes. Default 1, at least 1.</summary>
    public int Min { get; init; } = 1;

    /// <summary>Largest chunk in bytes (inclusive). Default 64, at least <see cref="Min"/>.</summary>
    public int Max { get; init; } = 64;

    public IEnumerable<string> Validate()
    {
        if (Min < 1)
        {
            yield return "min: must be at least 1";
        }

        if (Max < Min)
        {
            yield return $"max: must be at least min ({Min})";
        }
    }
}

/// <summary>
/// Chunking: chunk sizes drawn between min and max from the plan's seed, in the spirit of
/// Toxiproxy's <c>slicer</c>. Lossless.
/// </summary>
[Fault("random", typeof(RandomChunkingOptions), FaultStage.Chunking)]
internal sealed class RandomChunkingFault(RandomChunkingOptions options) : Fault<RandomChunkingOptions>(options)
{
    public override void Apply(PlanBuilder plan)
    {
        int at = 0;
        while (true)
        {
            at += plan.Random.Next(Options.Min, Options.Max + 1);
            if (at >= plan.Body.Length)
            {
                break;
            }

            plan.AddCut(at);
        }
    }
}
