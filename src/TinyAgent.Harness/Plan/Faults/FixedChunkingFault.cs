namespace TinyAgent.Harness.Plan.Faults;

/// <summary>Options of <c>fixed</c>.</summary>
internal sealed record FixedChunkingOptions : IFaultOptions
{
    /// <summary>Bytes per chunk; the last chunk may be shorter. Default 64, at least 1.</summary>
    public int Size { get; init; } = 64;

    public IEnumerable<string> Validate()
    {
        if (Size < 1)
        {
            yield return "size: must be at least 1";
        }
    }
}

/// <summary>Chunking: every chunk is <see cref="FixedChunkingOptions.Size"/> bytes, wherever that falls in the frames. Lossless.</summary>
[Fault("fixed", typeof(FixedChunkingOptions), FaultStage.Chunking)]
internal sealed class FixedChunkingFault(FixedChunkingOptions options) : Fault<FixedChunkingOptions>(options)
{
    public override void Apply(PlanBuilder plan)
    {
        for (int at = Options.Size; at < plan.Body.Length; at += Options.Size)
        {
            plan.AddCut(at);
        }
    }
}
