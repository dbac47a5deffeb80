namespace TinyAgent.Harness.Model;

/// <summary>One write-and-flush the server made: where in the planned body, how many bytes, when (since the request arrived).</summary>
internal readonly record struct SentChunk(int Offset, int Size, TimeSpan At);

/// <summary>How the server's response to one request ended.</summary>
internal enum ServerEnding
{
    /// <summary>Every planned byte was written and the response completed.</summary>
    Complete,

    /// <summary>The plan closed the connection cleanly before its end.</summary>
    CleanClose,

    /// <summary>The plan reset the connection.</summary>
    Reset,

    /// <summary>The server gave up a stall the client never ended.</summary>
    StallAbandoned,

    /// <summary>The client closed the connection before the response ended.</summary>
    ClientGone,
}

/// <summary>What the server saw on one request. Times are offsets from the request's arrival on the server's clock.</summary>
internal sealed record ServerEvidence
{
    public required string RequestId { get; init; }
    public required string Scenario { get; init; }
    public int Attempt { get; init; }
    public int Status { get; init; }

    /// <summary>Server clock reading (<see cref="TimeProvider.GetTimestamp"/>) when the request arrived, to line up with client times.</summary>
    public long StartedTimestamp { get; init; }
    public IReadOnlyList<SentChunk> Sent { get; init; } = [];

    /// <summary>When <c>RequestAborted</c> fired (the client closed the connection), if it did.</summary>
    public TimeSpan? ClientDisconnectedAt { get; init; }

    /// <summary>When the server finished with the request (completed, reset, or gave up a stall).</summary>
    public TimeSpan? EndedAt { get; init; }

    /// <summary>How the response ended; written by its kebab-case name (<see cref="EnumNames"/>).</summary>
    public ServerEnding Ending { get; init; }

    /// <summary>The plan this request was answered with, as the planner summarised it; null when it was rejected before planning.</summary>
    public PlanSummary? Plan { get; init; }

    /// <summary>Offsets just after each complete frame of the planned body.</summary>
    public IReadOnlyList<int> FrameEnds { get; init; } = [];

    public long BytesSent => Sent.Sum(c => (long)c.Size);

    /// <summary>Bytes written at or after <paramref name="moment"/>.</summary>
    public long BytesSentAfter(TimeSpan moment) => Sent.Where(c => c.At >= moment).Sum(c => (long)c.Size);

    /// <summary>When the byte before <paramref name="end"/> (a frame's or delta's last byte) was written; null if it never was.</summary>
    public TimeSpan? WrittenAt(int end)
    {
        foreach (var chunk in Sent)
        {
            if (chunk.Offset < end && end <= chunk.Offset + chunk.Size)
            {
                return chunk.At;
            }
        }

        return null;
    }

    /// <summary>Complete frames whose last byte was written at or after <paramref name="moment"/>.</summary>
    public int EventsSentAfter(TimeSpan moment) => FrameEnds.Count(end => WrittenAt(end) >= moment);
}
