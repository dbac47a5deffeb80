namespace TinyAgent.Harness.Plan.Faults;

/// <summary>Options of <c>bom</c>.</summary>
internal sealed record BomOptions : IFaultOptions
{
    /// <summary>Cut the BOM across two reads (after its second byte, a gapped cut). Default false: the BOM arrives with the first frame.</summary>
    public bool Split { get; init; }
}

/// <summary>
/// Split: a UTF-8 byte order mark (EF BB BF) before the first byte, which WHATWG tells a reader to drop; a reader that
/// does not, or that only looks for it whole in the first read, loses the first event (eventsource-parser PR #41).
/// Applied after chunking so every other cut and wait moves with its bytes and the BOM is exactly the first 3 bytes.
/// </summary>
[Fault("bom", typeof(BomOptions), FaultStage.Split)]
internal sealed class BomFault(BomOptions options) : Fault<BomOptions>(options)
{
    private static readonly byte[] Bom = [0xEF, 0xBB, 0xBF];

    public override void Apply(PlanBuilder plan)
    {
        if (plan.Body.AsSpan().StartsWith(Bom))
        {
            return; // a second BOM would be a U+FEFF inside the first field name, not a BOM
        }

        plan.Insert(0, Bom);
        if (Options.Split)
        {
            plan.AddCut(2, separate: true);
        }

        plan.Facts = plan.Facts with { WireVariants = [.. plan.Facts.WireVariants, Options.Split ? "bom-split" : "bom"] };
    }
}
