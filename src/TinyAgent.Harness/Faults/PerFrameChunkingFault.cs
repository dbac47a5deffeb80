namespace TinyAgent.Harness.Faults;

/// <summary>Options of <c>per-frame</c> (none).</summary>
internal sealed record PerFrameChunkingOptions : IFaultOptions
{
    public IEnumerable<string> Validate() => [];
}

/// <summary>
/// Chunking: one chunk per frame (comments and keep-alives count as frames). The planner's default
/// when a scenario names no chunking fault. Lossless.
/// </summary>
[Fault("per-frame", typeof(PerFrameChunkingOptions))]
internal sealed class PerFrameChunkingFault(PerFrameChunkingOptions options) : IFault
{
    public FaultStage Stage => FaultStage.Chunking;

    public IFaultOptions Options => options;

    public void Apply(PlanBuilder plan)
    {
        foreach (int end in plan.Layout.FrameEnds)
        {
            plan.AddCut(end);
        }
    }
}
