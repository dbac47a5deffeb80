using TinyAgent.Harness.Formats;

namespace TinyAgent.Harness.Plan.Faults;

/// <summary>Options of <c>done-marker</c>: none.</summary>
internal sealed record DoneMarkerOptions : IFaultOptions;

/// <summary>
/// Wire: a <c>data: [DONE]</c> frame with no <c>event:</c> line after <c>message_stop</c>, as Azure APIM / Foundry
/// gateways append (anthropic-sdk-csharp PR #202: the .NET SDK gives it the default type <c>message</c> and fails on
/// it). A body without its end event (an error, a drop) is left alone and nothing is reported; so is a format whose
/// streams end with <c>[DONE]</c> already (Chat Completions).
/// </summary>
[Fault("done-marker", typeof(DoneMarkerOptions), FaultStage.Wire)]
internal sealed class DoneMarkerFault(DoneMarkerOptions options) : Fault<DoneMarkerOptions>(options)
{
    public override void Apply(PlanBuilder plan)
    {
        byte[] body = plan.Body;
        var stop = plan.Events.LastOrDefault(e => e.Kind == WireEventKind.End)?.Frame;
        if (stop is null || plan.Format.DoneMarker(plan.LineEnding) is not { } marker)
        {
            return; // no complete reply, or the format ends with [DONE] already (Chat Completions)
        }

        plan.ReplaceBody(SseEdit.Splice(body, stop.End, marker, stop.End));
        plan.Facts = plan.Facts with { WireVariants = [.. plan.Facts.WireVariants, "done-marker"] };
    }
}
