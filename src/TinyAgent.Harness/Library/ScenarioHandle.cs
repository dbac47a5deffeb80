using TinyAgent.Harness.Observation;
using TinyAgent.Harness.Recordings;

namespace TinyAgent.Harness.Library;

/// <summary>
/// A scenario bound on the session's server. Give <see cref="BaseUrl"/> to your client (it POSTs
/// <c>{BaseUrl}/v1/messages</c>), run it, then pass this handle to <see cref="HarnessSession.JudgeAsync"/>. Single use.
/// </summary>
public sealed class ScenarioHandle
{
    private long _gaveUpTimestamp;

    internal ScenarioHandle(HarnessSession session, RunRequest request, BoundRun bound, ScenarioOptions options, long startedTimestamp)
    {
        Session = session;
        Request = request;
        Bound = bound;
        Options = options;
        StartedTimestamp = startedTimestamp;
    }

    /// <summary>The base URL for your client, e.g. <c>http://127.0.0.1:PORT/s/KEY</c>; the API key and version headers are accepted as sent.</summary>
    public Uri BaseUrl => Bound.BaseUrl;

    /// <summary>The scenario's name: recording and faults, e.g. <c>text-short [split]</c>.</summary>
    public string Name => $"{Options.Recording} [{string.Join(", ", Faults)}]";

    /// <summary>The recording replayed.</summary>
    public string Recording => Options.Recording;

    /// <summary>The faults in canonical form, e.g. <c>random(min=1,max=48)</c>.</summary>
    public IReadOnlyList<string> Faults => Request.FaultDescriptions;

    /// <summary>null: the consumer reads everything; N: it gives up after N text deltas.</summary>
    public int? GiveUpAfterDeltas => Options.GiveUpAfterDeltas;

    /// <summary>The text a correct client reads from the unfaulted recording (all text blocks joined).</summary>
    public string ExpectedText => RecordingData.Expected.Text;

    /// <summary>The recording's <c>stop_reason</c> (null when it has none, e.g. it ends in an error).</summary>
    public string? ExpectedStopReason => RecordingData.Expected.StopReason;

    /// <summary>
    /// Call when the consumer gives up (right after leaving the read loop, before disposing anything): the ghost-stream
    /// judge measures from this moment to the server's disconnect. Without it, the moment the server sent the N-th delta is used.
    /// </summary>
    public void MarkGaveUp() => Interlocked.CompareExchange(ref _gaveUpTimestamp, Session.Time.GetTimestamp(), 0);

    internal HarnessSession Session { get; }
    internal RunRequest Request { get; }
    internal BoundRun Bound { get; }
    internal string Key => Request.Key;
    internal ScenarioOptions Options { get; }
    internal Recording RecordingData => Request.Recording;
    internal long StartedTimestamp { get; }
    internal long GaveUpTimestamp => Interlocked.Read(ref _gaveUpTimestamp);
    internal int Judged;
}
