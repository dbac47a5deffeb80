namespace TinyAgent.Harness.Plan.Faults;

/// <summary>Options of <c>per-frame</c>.</summary>
internal sealed record PerFrameChunkingOptions : IFaultOptions
{
    /// <summary>
    /// Quiet time around every frame, so each frame reaches the client as a read of its own and every read ends on a
    /// frame boundary (default off). The control run uses it: a client's own buffer must not cut frames there.
    /// </summary>
    public bool? Paced { get; init; }
}

/// <summary>
/// Chunking: one chunk per frame (comments and keep-alives count as frames). The planner's default
/// when a scenario names no chunking fault; paced, the control run's. Lossless.
/// </summary>
[Fault("per-frame", typeof(PerFrameChunkingOptions), FaultStage.Chunking)]
internal sealed class PerFrameChunkingFault(PerFrameChunkingOptions options) : Fault<PerFrameChunkingOptions>(options)
{
    public override void Apply(PlanBuilder plan)
    {
        foreach (int end in plan.Layout.FrameEnds)
        {
            plan.AddCut(end, separate: Options.Paced == true);
        }
    }
}
