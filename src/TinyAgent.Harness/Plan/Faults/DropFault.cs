using TinyAgent.Harness.Formats;
using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Plan.Faults;

/// <summary>Options of <c>drop</c>. Give <see cref="AfterBytes"/> or <see cref="AfterEvents"/>, not both; neither means after 3 events.</summary>
internal sealed record DropOptions : IFaultOptions
{
    public static IReadOnlyList<string> Modes { get; } = ["reset", "clean-close"];

    /// <summary>Keep this many bytes of the body, then drop the connection (at least 1; clamped so something is dropped).</summary>
    public int? AfterBytes { get; init; }

    /// <summary>Keep this many events, then drop the connection (clamped so something is dropped). Default 3.</summary>
    public int? AfterEvents { get; init; }

    /// <summary>With <see cref="AfterEvents"/>: also send the first half of the next frame. Default false.</summary>
    public bool MidFrame { get; init; }

    /// <summary><c>reset</c> (TCP reset: "connection reset") or <c>clean-close</c> (a normal end of response without <c>message_stop</c>). Default <c>reset</c>.</summary>
    public string Mode { get; init; } = "reset";

    public IEnumerable<string> Validate()
    {
        if (AfterBytes < 1)
        {
            yield return "afterBytes: must be at least 1";
        }

        if (AfterEvents < 0)
        {
            yield return "afterEvents: must not be negative";
        }

        if (AfterBytes is not null && AfterEvents is not null)
        {
            yield return "afterEvents: give afterBytes or afterEvents, not both";
        }

        foreach (string error in IFaultOptions.OneOf("mode", Mode, Modes))
        {
            yield return error;
        }
    }
}

/// <summary>Content: the body is cut short and the connection ends there, by a reset or a clean close. The only lossy cut besides a stall.</summary>
[Fault("drop", typeof(DropOptions), FaultStage.Content)]
internal sealed class DropFault(DropOptions options) : Fault<DropOptions>(options)
{
    public override void Apply(PlanBuilder plan)
    {
        byte[] body = plan.Body;
        if (body.Length < 2)
        {
            return;
        }

        int at;
        if (Options.AfterBytes is int bytes)
        {
            at = bytes;
        }
        else
        {
            var events = SseFrames.EventFrames(body, plan.Layout);
            int count = Options.AfterEvents ?? 3;
            at = SseEdit.AfterEvents(events, count);
            if (Options.MidFrame)
            {
                var next = plan.Layout.Frames.FirstOrDefault(f => f.Start >= at);
                at = next is null ? at : next.Start + Math.Max(1, next.Length / 2);
            }
        }

        at = Math.Clamp(at, 1, body.Length - 1);
        plan.ReplaceBody(body[..at]);
        plan.End = Options.Mode == "reset" ? StreamEnd.Reset : StreamEnd.CleanClose;
        plan.Facts = plan.Facts with { Truncated = true, BytesDropped = plan.Facts.BytesDropped + (body.Length - at) };
    }
}
