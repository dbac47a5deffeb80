using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using TinyAgent.Harness.Model;
using TinyAgent.Harness.Plan;

namespace TinyAgent.Harness.Reports;

/// <summary>One chunk on the timeline: its size, when it arrived (or is planned), and the bytes so far.</summary>
internal sealed record TimelinePoint(double AtMs, int Bytes, long CumulativeBytes);

/// <summary>How one stream was cut: <c>chunks</c> prints it as bars and a timeline, or as JSON.</summary>
/// <param name="Source">The recording's path or the URL.</param>
/// <param name="Mode"><c>planned</c> (a recording under a chunking plan) or <c>received</c> (reads from a live stream).</param>
/// <param name="Ending">How the stream ended: complete, clean-close, reset, ...</param>
internal sealed record ChunkReport(string Source, string Mode, int Status, string Ending, IReadOnlyList<string> Faults, SizeDistribution Sizes, IReadOnlyList<TimelinePoint> Timeline)
{
    private const int BarWidth = 40;
    private const int MaxRows = 20;

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public long TotalBytes => Timeline.Count == 0 ? 0 : Timeline[^1].CumulativeBytes;

    public double DurationMs => Timeline.Count == 0 ? 0 : Timeline[^1].AtMs;

    /// <summary>Builds a report from chunk sizes and their times (ms), in arrival order.</summary>
    public static ChunkReport Of(string source, string mode, int status, string ending, IReadOnlyList<string> faults, IEnumerable<(int Size, double AtMs)> chunks)
    {
        long total = 0;
        var points = new List<TimelinePoint>();
        foreach (var (size, at) in chunks)
        {
            total += size;
            points.Add(new TimelinePoint(Math.Round(at, 3), size, total));
        }

        return new ChunkReport(source, mode, status, ending, faults, SizeDistribution.Of(points.Select(p => p.Bytes)), points);
    }

    /// <summary>A plan's chunks at their planned times (the sum of the delays before each).</summary>
    public static ChunkReport OfPlan(string source, ReplayPlan plan)
    {
        double at = 0;
        var chunks = new List<(int, double)>(plan.Chunks.Count);
        foreach (var chunk in plan.Chunks)
        {
            at += chunk.DelayBefore.TotalMilliseconds;
            chunks.Add((chunk.Data.Length, at));
        }

        string ending = plan.Stall is { CompletesAfterHold: true } ? "slow-close" : plan.Stall is not null ? "stall" : plan.End switch { StreamEnd.Reset => "reset", StreamEnd.CleanClose => "clean-close", _ => "complete" };
        return Of(source, "planned", plan.Status, ending, plan.FaultDescriptions, chunks);
    }

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public void WriteText(TextWriter o)
    {
        o.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{Source}: {Mode}, status {Status}, {TotalBytes} bytes in {Timeline.Count} chunks over {DurationMs:0.#} ms, ended {Ending}{(Faults.Count == 0 ? "" : $"; plan {string.Join(' ', Faults)}")}"));
        o.WriteLine();
        foreach (string line in ConsoleSummary.Histogram(Mode, Sizes))
        {
            o.WriteLine(line);
        }

        o.WriteLine();
        WriteTimeline(o);
    }

    /// <summary>Cumulative bytes against time: one row per time bucket, the bar scaled to the whole body.</summary>
    private void WriteTimeline(TextWriter o)
    {
        if (Timeline.Count == 0)
        {
            o.WriteLine("timeline: no bytes");
            return;
        }

        if (DurationMs <= 0)
        {
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"timeline: all {Timeline.Count} chunks at 0 ms (the plan has no delays)"));
            return;
        }

        int rows = Math.Min(MaxRows, Timeline.Count);
        double step = DurationMs / rows;
        o.WriteLine("timeline (cumulative bytes against time):");
        o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{"until ms",9} {"bytes",9} {"+bytes",7} {"reads",5}  |{new string(' ', BarWidth)}|"));
        int next = 0;
        for (int row = 1; row <= rows; row++)
        {
            double until = row == rows ? DurationMs : step * row;
            int reads = 0;
            long added = 0;
            while (next < Timeline.Count && Timeline[next].AtMs <= until)
            {
                added += Timeline[next].Bytes;
                reads++;
                next++;
            }

            long cumulative = next == 0 ? 0 : Timeline[next - 1].CumulativeBytes;
            int bar = TotalBytes == 0 ? 0 : (int)Math.Round(BarWidth * (double)cumulative / TotalBytes);
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{until,9:0.#} {cumulative,9} {added,7} {reads,5}  |{new string('#', bar).PadRight(BarWidth)}|"));
        }
    }
}
