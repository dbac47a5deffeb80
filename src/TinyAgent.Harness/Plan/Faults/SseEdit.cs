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

    /// <summary>Offset just after the <paramref name="count"/>-th event (0: the start of the body), clamped to the events there are.</summary>
    public static int AfterEvents(IReadOnlyList<SseFrame> events, int count) =>
        count <= 0 || events.Count == 0 ? 0 : events[Math.Min(count, events.Count) - 1].End;
}
