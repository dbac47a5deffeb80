namespace TinyAgent.Harness.Plan.Faults;

/// <summary>Options of <c>done-marker</c>: none.</summary>
internal sealed record DoneMarkerOptions : IFaultOptions
{
    public IEnumerable<string> Validate() => [];
}

/// <summary>
/// Wire: a <c>data: [DONE]</c> frame with no <c>event:</c> line after <c>message_stop</c>, as Azure APIM / Foundry
/// gateways append (anthropic-sdk-csharp PR #202: the .NET SDK gives it the default type <c>message</c> and fails on
/// it). A body without <c>message_stop</c> (an error, a drop) is left alone and nothing is reported.
/// </summary>
[Fault("done-marker", typeof(DoneMarkerOptions))]
internal sealed class DoneMarkerFault(DoneMarkerOptions options) : IFault
{
    public FaultStage Stage => FaultStage.Wire;

    public IFaultOptions Options => options;

    public void Apply(PlanBuilder plan)
    {
        byte[] body = plan.Body;
        var stop = SseEdit.EventFrames(body, plan.Layout).LastOrDefault(f => SseEdit.TypeAndIndex(body, f).Type == "message_stop");
        if (stop is null)
        {
            return;
        }

        string eol = SseEdit.LineEnding(body, plan.Layout);
        plan.ReplaceBody(SseEdit.Splice(body, stop.End, System.Text.Encoding.UTF8.GetBytes($"data: [DONE]{eol}{eol}"), stop.End));
        plan.Facts = plan.Facts with { WireVariants = [.. plan.Facts.WireVariants, "done-marker"] };
    }
}
