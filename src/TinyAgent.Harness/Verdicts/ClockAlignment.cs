using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Verdicts;

/// <summary>
/// Measures nothing itself: maps a moment on the client's clock onto the server's clock of the same run.
/// Lines up the client's clock (offsets from <see cref="ClientResult.StartedTimestamp"/>) with the server's
/// (offsets from <see cref="ServerEvidence.StartedTimestamp"/>). Both are readings of the same
/// <see cref="TimeProvider"/>, so the shift is the difference of the two start timestamps.
/// </summary>
internal static class ClockAlignment
{
    /// <summary>A moment on the client's clock, as an offset on the server's clock (negative: before the request arrived).</summary>
    public static TimeSpan ClientToServer(TimeSpan clientOffset, long clientStartedTimestamp, long serverStartedTimestamp, long timestampFrequency)
    {
        if (timestampFrequency <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(timestampFrequency), timestampFrequency, "The timestamp frequency must be positive.");
        }

        long shift = clientStartedTimestamp - serverStartedTimestamp;
        var shiftTime = TimeSpan.FromTicks((long)(shift * ((double)TimeSpan.TicksPerSecond / timestampFrequency)));
        return clientOffset + shiftTime;
    }

    /// <summary>A client moment on the server clock of the request that carried the stream.</summary>
    public static TimeSpan ClientToServer(RunObservation run, ServerEvidence server, TimeSpan clientOffset) =>
        ClientToServer(clientOffset, run.Result.StartedTimestamp, server.StartedTimestamp, run.TimestampFrequency);

    public static string Ms(TimeSpan t) => $"{t.TotalMilliseconds:0} ms";
}
