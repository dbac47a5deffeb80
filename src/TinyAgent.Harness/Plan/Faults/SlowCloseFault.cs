using TinyAgent.Harness.Formats;

namespace TinyAgent.Harness.Plan.Faults;

/// <summary>Options of <c>slow-close</c>.</summary>
internal sealed record SlowCloseOptions : IFaultOptions
{
    /// <summary>Milliseconds the connection stays open after the last byte, then the response ends normally. Default: until the client leaves (bounded by the server's stall limit).</summary>
    public int? HoldMs { get; init; }

    public IEnumerable<string> Validate()
    {
        if (HoldMs < 1)
        {
            yield return "holdMs: must be at least 1";
        }
    }
}

/// <summary>
/// Timing: the whole body goes out, <c>message_stop</c> included, but the connection stays open with no more bytes,
/// as some proxies keep the socket (WIRE.md). A client that waits for the end of the body instead of
/// <c>message_stop</c> hangs. The body is complete, so nothing is truncated; only a body that ends with
/// <c>message_stop</c> (and is not already stalled or dropped) is held, otherwise nothing is reported.
/// </summary>
[Fault("slow-close", typeof(SlowCloseOptions), FaultStage.Timing)]
internal sealed class SlowCloseFault(SlowCloseOptions options) : Fault<SlowCloseOptions>(options)
{
    public override void Apply(PlanBuilder plan)
    {
        byte[] body = plan.Body;
        if (plan.Stall is not null || plan.End != Model.StreamEnd.Complete
            || !plan.Events.Any(e => e.Kind == WireEventKind.End))
        {
            return;
        }

        var hold = Options.HoldMs is int ms ? TimeSpan.FromMilliseconds(ms) : (TimeSpan?)null;
        plan.Stall = new StallSpec(null, ReadOnlyMemory<byte>.Empty) { Hold = hold, CompletesAfterHold = true };
        plan.Facts = plan.Facts with { SlowClose = hold ?? Timeout.InfiniteTimeSpan };
    }
}
