namespace TinyAgent.Harness.Plan.Faults;

/// <summary>Options of <c>bandwidth</c>.</summary>
internal sealed record BandwidthOptions : IFaultOptions
{
    /// <summary>Bytes per second. Default 2048: a poor mobile link, where a short answer takes about a second.</summary>
    public int BytesPerSecond { get; init; } = 2048;

    public IEnumerable<string> Validate()
    {
        if (BytesPerSecond < 1)
        {
            yield return "bytesPerSecond: must be at least 1";
        }
    }
}

/// <summary>
/// Timing: a throughput cap like Toxiproxy's <c>bandwidth</c>. Every planned chunk is cut into pieces of at most
/// <c>bytesPerSecond / 100</c> bytes (one byte at least), and each piece waits for the time its predecessor takes on
/// the link, so pieces go out about every 10 ms and the whole body at the capped rate. Adds to other waits. Lossless.
/// </summary>
[Fault("bandwidth", typeof(BandwidthOptions), FaultStage.Timing)]
internal sealed class BandwidthFault(BandwidthOptions options) : Fault<BandwidthOptions>(options)
{
    public override void Apply(PlanBuilder plan)
    {
        int piece = Math.Max(1, Options.BytesPerSecond / 100);
        int[] ends = [.. plan.Cuts, plan.Body.Length];
        int start = 0;
        foreach (int end in ends)
        {
            for (int cut = start + piece; cut < end; cut += piece)
            {
                plan.AddCut(cut);
            }

            start = end;
        }

        int previous = 0;
        foreach (int cut in plan.Cuts.ToArray())
        {
            plan.AddDelay(cut, TimeSpan.FromSeconds((double)(cut - previous) / Options.BytesPerSecond));
            previous = cut;
        }
    }
}
