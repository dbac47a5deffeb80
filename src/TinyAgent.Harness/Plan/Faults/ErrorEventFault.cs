namespace TinyAgent.Harness.Plan.Faults;

/// <summary>Options of <c>error-event</c>. Give <see cref="AfterEvents"/> or <see cref="AtFraction"/>, not both; neither means half way.</summary>
internal sealed record ErrorEventOptions : IFaultOptions
{
    /// <summary>The error's <c>type</c>, written in the format's error shape. Default <c>overloaded_error</c>.</summary>
    public string Type { get; init; } = "overloaded_error";

    /// <summary>The error's <c>message</c>. Default <c>Overloaded</c>.</summary>
    public string Message { get; init; } = "Overloaded";

    /// <summary>Inject after this many events (0: before the first). Clamped to leave the last event out.</summary>
    public int? AfterEvents { get; init; }

    /// <summary>Inject after this share of the events, 0 to 1. Default 0.5 when <see cref="AfterEvents"/> is not given.</summary>
    public double? AtFraction { get; init; }

    public IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(Type))
        {
            yield return "type: must not be empty";
        }

        if (AfterEvents < 0)
        {
            yield return "afterEvents: must not be negative";
        }

        if (AtFraction is double f && !(f >= 0 && f <= 1))
        {
            yield return "atFraction: must be between 0 and 1";
        }

        if (AfterEvents is not null && AtFraction is not null)
        {
            yield return "atFraction: give afterEvents or atFraction, not both";
        }
    }
}

/// <summary>
/// Content: an error inside the 200 stream, in the format's shape and the body's line ending, after which the
/// stream ends as the API ends it: everything after it is removed (Anthropic: no <c>message_delta</c>, no
/// <c>message_stop</c>; Chat Completions: <c>data: [DONE]</c> follows, as compatible servers send).
/// </summary>
[Fault("error-event", typeof(ErrorEventOptions), FaultStage.Content)]
internal sealed class ErrorEventFault(ErrorEventOptions options) : Fault<ErrorEventOptions>(options)
{
    public override void Apply(PlanBuilder plan)
    {
        byte[] body = plan.Body;
        var events = plan.Events;
        int count = Options.AfterEvents ?? (int)Math.Round((Options.AtFraction ?? 0.5) * events.Count);
        count = SseEdit.LeaveLastOut(count, events.Count);
        int at = SseEdit.AfterEvents([.. events.Select(e => e.Frame)], count);

        string type = Options.Type;
        byte[] ending = plan.Format.ErrorEnding([.. events.Take(count)], body, type, Options.Message, plan.LineEnding);
        plan.ReplaceBody(SseEdit.Splice(body, at, ending, resumeAt: null));
        plan.Facts = plan.Facts with
        {
            InjectedErrorType = type,
            BytesDropped = plan.Facts.BytesDropped + (body.Length - at),
        };
    }
}
