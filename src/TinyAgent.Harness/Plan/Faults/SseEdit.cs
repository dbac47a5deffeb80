using TinyAgent.Harness.Formats;

namespace TinyAgent.Harness.Plan.Faults;

/// <summary>Small helpers for faults that rewrite an event stream: splice bytes in, find the offset after N events. Reading and writing frames is in <c>Formats/SseFrames</c>.</summary>
internal static class SseEdit
{
    /// <summary><paramref name="body"/> up to <paramref name="at"/>, then <paramref name="insert"/>, then the body from <paramref name="resumeAt"/> (or nothing when null).</summary>
    public static byte[] Splice(byte[] body, int at, ReadOnlySpan<byte> insert, int? resumeAt)
    {
        int rest = resumeAt is int r ? body.Length - r : 0;
        var result = new byte[at + insert.Length + rest];
        body.AsSpan(0, at).CopyTo(result);
        insert.CopyTo(result.AsSpan(at));
        if (resumeAt is int from)
        {
            body.AsSpan(from).CopyTo(result.AsSpan(at + insert.Length));
        }

        return result;
    }

    /// <summary>
    /// Where a fault that acts after <paramref name="count"/> events of the plan's body acts, the count clamped to leave
    /// the last event out (so a stall or a pause comes before the end, never after it): the offset after them, and the count.
    /// </summary>
    public static (int At, int Count) BeforeLastEvent(PlanBuilder plan, int count)
    {
        var events = SseFrames.EventFrames(plan.Body, plan.Layout);
        count = LeaveLastOut(count, events.Count);
        return (AfterEvents(events, count), count);
    }

    /// <summary><paramref name="count"/>, at most all of <paramref name="events"/> but the last.</summary>
    public static int LeaveLastOut(int count, int events) => Math.Min(count, Math.Max(0, events - 1));

    /// <summary>Offset just after the <paramref name="count"/>-th event (0: the start of the body), clamped to the events there are.</summary>
    public static int AfterEvents(IReadOnlyList<SseFrame> events, int count) =>
        count <= 0 || events.Count == 0 ? 0 : events[Math.Min(count, events.Count) - 1].End;
}
