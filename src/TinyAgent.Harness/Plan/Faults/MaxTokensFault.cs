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
/// Content: a well-formed early ending, as when the model hits <c>max_tokens</c>: after the chosen delta,
/// every open content block gets its <c>content_block_stop</c>, then <c>message_delta</c> with
/// <c>stop_reason: max_tokens</c> and usage, then <c>message_stop</c>; the rest of the body is removed.
/// A recording without text deltas counts its other deltas (tool input, thinking) instead.
/// </summary>
[Fault("max-tokens", typeof(MaxTokensOptions))]
internal sealed class MaxTokensFault(MaxTokensOptions options) : IFault
{
    public FaultStage Stage => FaultStage.Content;

    public IFaultOptions Options => options;

    public void Apply(PlanBuilder plan)
    {
        byte[] body = plan.Body;
        var events = SseEdit.EventFrames(body, plan.Layout)
            .Select(f => (Frame: f, Json: SseEdit.TypeAndIndex(body, f)))
            .ToList();
        var deltas = events.Where(e => e.Json.Type == "content_block_delta").ToList();
        var textDeltas = deltas.Where(e => e.Json.DeltaType == "text_delta").ToList();
        if (textDeltas.Count > 0)
        {
            deltas = textDeltas;
        }

        if (deltas.Count == 0)
        {
            return; // nothing was generated: there is no earlier place to end at
        }

        int keep = options.AfterTextDeltas ?? (int)Math.Round((options.AtFraction ?? 0.5) * deltas.Count);
        keep = Math.Clamp(keep, 1, deltas.Count);
        int at = deltas[keep - 1].Frame.End;

        var open = new SortedSet<int>();
        foreach (var (_, (type, index, _)) in events.TakeWhile(e => e.Frame.End <= at))
        {
            if (type == "content_block_start" && index is int started)
            {
                open.Add(started);
            }
            else if (type == "content_block_stop" && index is int stopped)
            {
                open.Remove(stopped);
            }
        }

        string eol = SseEdit.LineEnding(body, plan.Layout);
        var ending = new List<byte>();
        foreach (int index in open)
        {
            ending.AddRange(SseEdit.Frame("content_block_stop", $"{{\"type\":\"content_block_stop\",\"index\":{index}}}", eol));
        }

        ending.AddRange(SseEdit.Frame(
            "message_delta",
            $"{{\"type\":\"message_delta\",\"delta\":{{\"stop_reason\":\"max_tokens\",\"stop_sequence\":null}},\"usage\":{{\"output_tokens\":{keep}}}}}",
            eol));
        ending.AddRange(SseEdit.Frame("message_stop", "{\"type\":\"message_stop\"}", eol));

        plan.ReplaceBody(SseEdit.Splice(body, at, ending.ToArray(), resumeAt: null));
        plan.Facts = plan.Facts with { MaxTokensEnding = true };
    }
}
