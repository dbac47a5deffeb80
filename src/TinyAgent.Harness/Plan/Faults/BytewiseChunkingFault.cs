namespace TinyAgent.Harness.Plan.Faults;

/// <summary>Options of <c>bytewise</c> (none).</summary>
internal sealed record BytewiseChunkingOptions : IFaultOptions;

/// <summary>Chunking: one byte per chunk, the trickle stream that finds most split-packet bugs. Lossless.</summary>
[Fault("bytewise", typeof(BytewiseChunkingOptions), FaultStage.Chunking)]
internal sealed class BytewiseChunkingFault(BytewiseChunkingOptions options) : Fault<BytewiseChunkingOptions>(options)
{
    public override void Apply(PlanBuilder plan)
    {
        for (int at = 1; at < plan.Body.Length; at++)
        {
            plan.AddCut(at);
        }
    }
}
