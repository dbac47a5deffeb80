namespace TinyAgent.Harness.Plan.Faults;

/// <summary>Options of <c>recorded</c>.</summary>
internal sealed record RecordedChunkingOptions : IFaultOptions
{
    /// <summary>Playback speed factor: 1 replays the recorded timing, 2 twice as fast, 0.5 half as fast. Default 1, above 0.</summary>
    public double Speed { get; init; } = 1;

    public IEnumerable<string> Validate()
    {
        if (!(Speed > 0) || double.IsInfinity(Speed))
        {
            yield return "speed: must be a finite number above 0";
        }
    }
}

/// <summary>
/// Chunking: the recording's own timeline (where each read started and when it arrived), with
/// the waits divided by <see cref="RecordedChunkingOptions.Speed"/>. A recording without a
/// timeline falls back to one chunk per frame. When a content fault shortened the body, the
/// recorded boundaries inside what is left are kept. Lossless.
/// </summary>
[Fault("recorded", typeof(RecordedChunkingOptions), FaultStage.Chunking)]
internal sealed class RecordedChunkingFault(RecordedChunkingOptions options) : Fault<RecordedChunkingOptions>(options)
{
    public override void Apply(PlanBuilder plan)
    {
        var timeline = plan.Recording.Meta.Timeline;
        if (timeline is null || timeline.Count == 0)
        {
            new PerFrameChunkingFault(new PerFrameChunkingOptions()).Apply(plan);
            return;
        }

        double previousMs = 0;
        foreach (var chunk in timeline.OrderBy(c => c.Offset))
        {
            if (chunk.Offset >= plan.Body.Length)
            {
                break;
            }

            double waitMs = Math.Max(0, chunk.AtMs - previousMs) / Options.Speed;
            previousMs = Math.Max(previousMs, chunk.AtMs);
            plan.AddCut(chunk.Offset);
            if (waitMs > 0 && (chunk.Offset == 0 || plan.Cuts.Contains(chunk.Offset)))
            {
                plan.AddDelay(chunk.Offset, TimeSpan.FromMilliseconds(waitMs));
            }
        }
    }
}
