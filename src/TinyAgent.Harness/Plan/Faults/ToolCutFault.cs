using TinyAgent.Harness.Formats;

namespace TinyAgent.Harness.Plan.Faults;

/// <summary>Options of <c>tool-cut</c>.</summary>
internal sealed record ToolCutOptions : IFaultOptions
{
    /// <summary>Keep this share of the tool call's argument frames, 0 to 1, whole frames, at least one and never all. Default 0.5.</summary>
    public double AtFraction { get; init; } = 0.5;

    public IEnumerable<string> Validate()
    {
        if (!(AtFraction >= 0 && AtFraction <= 1))
        {
            yield return "atFraction: must be between 0 and 1";
        }
    }
}

/// <summary>
/// Content: a length ending inside a tool call's arguments (@anthropic-ai/sdk #842): the body is kept up to part of
/// the first tool call's argument pieces (Anthropic <c>input_json_delta</c>, Chat <c>tool_calls[].function.arguments</c>,
/// Responses <c>function_call_arguments.delta</c>), so its input is partial JSON, and the call is never closed; then the
/// format's length ending (Anthropic: <c>message_delta</c> with <c>stop_reason: max_tokens</c> and <c>message_stop</c>).
/// A client must report max_tokens and not parse (or run) the partial input. A recording without a tool_use block is
/// left alone and nothing is reported: the fault is not exercised there.
/// </summary>
[Fault("tool-cut", typeof(ToolCutOptions), FaultStage.Content)]
internal sealed class ToolCutFault(ToolCutOptions options) : Fault<ToolCutOptions>(options)
{
    public override void Apply(PlanBuilder plan)
    {
        byte[] body = plan.Body;
        var events = plan.Events;
        int? tool = null;
        var pieces = new List<WireEvent>();
        foreach (var e in events)
        {
            if (tool is null && e is { Kind: WireEventKind.BlockStart, BlockType: "tool_use", Block: int i })
            {
                tool = i;
            }
            else if (tool is not null && e.Block == tool && e.Kind == WireEventKind.ToolDelta)
            {
                pieces.Add(e);
            }
            else if (tool is not null && e.Block == tool && e.Kind == WireEventKind.BlockStop)
            {
                break;
            }
        }

        if (pieces.Count == 0)
        {
            return;
        }

        int keep = Math.Clamp((int)Math.Round(Options.AtFraction * pieces.Count), 1, Math.Max(1, pieces.Count - 1));
        int at = pieces[keep - 1].Frame.End;
        byte[] ending = plan.Format.LengthEnding([.. events.TakeWhile(e => e.Frame.End <= at)], body, keep, closeOpenBlocks: false, plan.LineEnding);
        plan.ReplaceBody(SseEdit.Splice(body, at, ending, resumeAt: null));
        plan.Facts = plan.Facts with { MaxTokensEnding = true, ToolCut = true };
    }
}
