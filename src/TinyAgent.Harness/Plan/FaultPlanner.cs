using TinyAgent.Harness.Plan.Faults;
using TinyAgent.Harness.Recordings;

namespace TinyAgent.Harness.Plan;

/// <summary>Turns a recording and a scenario's faults into the finished plan the server replays.</summary>
internal static class FaultPlanner
{
    private static readonly IFault DefaultChunking = new PerFrameChunkingFault(new PerFrameChunkingOptions());

    /// <summary>
    /// Applies <paramref name="faults"/> in stage order, then in the order listed (a stable sort), each with
    /// its own random stream from <paramref name="seed"/> and its listed position. With no chunking fault the
    /// body goes out one frame per chunk. A Response-stage fault that answered this attempt (an HTTP error)
    /// stops the later stages. The plan lists the faults' descriptions in the order given, then <c>per-frame</c>
    /// when it was applied by default, so parsing them back and planning again with the same seed gives the same plan.
    /// </summary>
    public static ReplayPlan Plan(Recording recording, IReadOnlyList<IFault> faults, int attempt, int seed)
    {
        var plan = new PlanBuilder(recording, attempt, seed);
        var ordered = faults.Select((fault, position) => (Fault: fault, Position: position)).ToList();
        if (!faults.Any(f => f.Stage == FaultStage.Chunking))
        {
            // Position -1: the default keeps the random stream it finds (per-frame draws nothing) and is described last.
            ordered.Add((DefaultChunking, -1));
        }

        var descriptions = faults.Select(FaultRegistry.Describe).ToList();
        foreach (var (fault, position) in ordered.OrderBy(f => f.Fault.Stage))
        {
            if (plan.IsHttpError && fault.Stage > FaultStage.Response)
            {
                break;
            }

            if (position < 0)
            {
                descriptions.Add(FaultRegistry.Describe(fault));
            }
            else
            {
                plan.ReseedFor(position);
            }

            fault.Apply(plan);
        }

        return plan.Build(descriptions);
    }
}
