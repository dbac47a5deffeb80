using System.Text;

namespace TinyAgent.Harness.Plan.Faults;

/// <summary>Options of <c>stall</c>.</summary>
internal sealed record StallOptions : IFaultOptions
{
    public static IReadOnlyList<string> KeepaliveKinds { get; } = ["none", "ping", "comment"];

    /// <summary>Send this many events, then stop (clamped to leave the last event out). Default 3.</summary>
    public int AfterEvents { get; init; } = 3;

    /// <summary>While stalled, send <c>none</c>, the format's keepalive (<c>ping</c>: Anthropic's ping event, a comment elsewhere), or a <c>comment</c> line (<c>: keep-alive</c>). Default <c>none</c>.</summary>
    public string Keepalive { get; init; } = "none";

    /// <summary>Milliseconds between keep-alives. Default 5000, at least 1.</summary>
    public int EveryMs { get; init; } = 5000;

    public IEnumerable<string> Validate()
    {
        if (AfterEvents < 0)
        {
            yield return "afterEvents: must not be negative";
        }

        foreach (string error in IFaultOptions.OneOf("keepalive", Keepalive, KeepaliveKinds))
        {
            yield return error;
        }

        if (EveryMs < 1)
        {
            yield return "everyMs: must be at least 1";
        }
    }
}

/// <summary>
/// Content: after some events the server stops sending but keeps the connection open (until the client
/// leaves or the scenario's deadline), optionally still sending pings or comments, which a client that
/// only watches for bytes mistakes for progress.
/// </summary>
[Fault("stall", typeof(StallOptions), FaultStage.Content)]
internal sealed class StallFault(StallOptions options) : Fault<StallOptions>(options)
{
    public override void Apply(PlanBuilder plan)
    {
        byte[] body = plan.Body;
        int at = SseEdit.BeforeLastEvent(plan, Options.AfterEvents).At;
        string eol = plan.LineEnding;
        byte[] keepalive = Options.Keepalive switch
        {
            "ping" => plan.Format.Keepalive(eol),
            "comment" => Encoding.UTF8.GetBytes($": keep-alive{eol}{eol}"),
            _ => [],
        };

        plan.ReplaceBody(body[..at]);
        plan.Stall = new StallSpec(keepalive.Length > 0 ? TimeSpan.FromMilliseconds(Options.EveryMs) : null, keepalive);
        plan.Facts = plan.Facts with { Stalls = true, Truncated = true, BytesDropped = plan.Facts.BytesDropped + (body.Length - at) };
    }
}
