using TinyAgent.Harness.Formats;

namespace TinyAgent.Harness.Plan.Faults;

/// <summary>Options of <c>max-tokens</c>. Give <see cref="AfterTextDeltas"/> or <see cref="AtFraction"/>, not both; neither means half way.</summary>
internal sealed record MaxTokensOptions : IFaultOptions
{
    /// <summary>End after this many text deltas (at least 1; clamped to those there are).</summary>
    public int? AfterTextDeltas { get; init; }

    /// <summary>End after this share of the text deltas, 0 to 1. Default 0.5 when <see cref="AfterTextDeltas"/> is not given.</summary>
    public double? AtFraction { get; init; }

    public IEnumerable<string> Validate()
    {
        if (AfterTextDeltas < 1)
        {
            yield return "afterTextDeltas: must be at least 1";
        }

        if (AtFraction is double f && !(f >= 0 && f <= 1))
        {
            yield return "atFraction: must be between 0 and 1";
        }

        if (AfterTextDeltas is not null && AtFraction is not null)
        {
            yield return "atFraction: give afterTextDeltas or atFraction, not both";
        }
    }
}

/// <summary>
/// Content: a well-formed early ending, as when the model hits its output limit: after the chosen delta the format's
/// length ending follows (Anthropic: every open block's <c>content_block_stop</c>, <c>message_delta</c> with
/// <c>stop_reason: max_tokens</c>, <c>message_stop</c>; Chat: <c>finish_reason: "length"</c>; Responses:
/// <c>response.incomplete</c>); the rest of the body is removed.
/// A recording without text deltas counts its other deltas (tool input, thinking) instead.
/// </summary>
[Fault("max-tokens", typeof(MaxTokensOptions), FaultStage.Content)]
internal sealed class MaxTokensFault(MaxTokensOptions options) : Fault<MaxTokensOptions>(options)
{
    public override void Apply(PlanBuilder plan)
    {
        byte[] body = plan.Body;
        var events = plan.Events;
        var deltas = events.Where(e => e.Kind is WireEventKind.TextDelta or WireEventKind.ToolDelta or WireEventKind.OtherDelta).ToList();
        var textDeltas = deltas.Where(e => e.Kind == WireEventKind.TextDelta).ToList();
        if (textDeltas.Count > 0)
        {
            deltas = textDeltas;
        }

        if (deltas.Count == 0)
        {
            return; // nothing was generated: there is no earlier place to end at
        }

        int keep = Options.AfterTextDeltas ?? (int)Math.Round((Options.AtFraction ?? 0.5) * deltas.Count);
        keep = Math.Clamp(keep, 1, deltas.Count);
        int at = deltas[keep - 1].Frame.End;
        byte[] ending = plan.Format.LengthEnding([.. events.TakeWhile(e => e.Frame.End <= at)], body, keep, closeOpenBlocks: true, plan.LineEnding);

        plan.ReplaceBody(SseEdit.Splice(body, at, ending, resumeAt: null));
        plan.Facts = plan.Facts with { MaxTokensEnding = true };
    }
}
