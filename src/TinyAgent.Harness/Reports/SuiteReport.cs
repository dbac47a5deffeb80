using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Reports;

/// <summary>
/// The stable report model (<c>report.json</c>, documented in docs/reports.md). Every writer renders this
/// and nothing else, so all formats agree. Times are milliseconds.
/// </summary>
internal sealed record SuiteReport
{
    public string Tool { get; init; } = "tinyagent-harness";
    public int SchemaVersion { get; init; } = 1;
    public required int Seed { get; init; }
    public bool Interrupted { get; init; }
    public string? Shard { get; init; }
    public required double WallMs { get; init; }

    /// <summary>Every expectation in the config was met (and the run was not interrupted).</summary>
    public required bool Passed { get; init; }
    public required IReadOnlyList<ClientReport> Clients { get; init; }
    public required IReadOnlyList<RunReport> Runs { get; init; }
    public required ChunkSizes ChunkSizes { get; init; }
    public IReadOnlyList<string> ExpectationFailures { get; init; } = [];

    /// <summary>The config the expectations came from: its file name, or "the embedded suite".</summary>
    public string? Config { get; init; }

    /// <summary>Things the reader should know that fail nothing (e.g. expectations a narrowed run did not exercise).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>The clients that lead the reports (the user's own, from --client-exec); the rest is the built-ins' self-check.</summary>
    public IReadOnlyList<string> Headline { get; init; } = [];
}

/// <param name="Read">How an exec client's answers were read: result-file, stdout (or both, comma-separated); null in process.</param>
/// <param name="Command">An exec client's command line.</param>
internal sealed record ClientReport(string Name, IReadOnlyDictionary<string, BugReport> Bugs, string? Read = null, string? Command = null);

/// <param name="Verdict">handled, not-handled, not-reproduced or not-exercised.</param>
/// <param name="Expected">The verdict the config expects, if any.</param>
/// <param name="DecidingRuns">Ids of the runs that decided the verdict (all not-handled runs, or the handled ones).</param>
internal sealed record BugReport(Verdict Verdict, string Evidence, Verdict? Expected, bool Met, int RunsExercised, IReadOnlyList<string> DecidingRuns)
{
    /// <summary>Runs whose timing failure did not happen again alone (they count with their verdict alone); null when none.</summary>
    public int? NotReproduced { get; init; }
}

/// <param name="Timing">The finding rests on time (a hang, a late error or disconnect); null when it does not.</param>
/// <param name="NotReproduced">A timing failure that did not happen again when the run was repeated alone: the verdict is the run alone's.</param>
internal sealed record FindingReport(Verdict Verdict, string Evidence, bool? Timing = null, bool? NotReproduced = null);

/// <summary>A timing failure re-run alone, with nothing else in flight.</summary>
/// <param name="Status">confirmed, not-reproduced (the run alone decides), or unconfirmed (another run of the same concern decided the verdict).</param>
/// <param name="Attempts">Every attempt, the original first: "not-handled: evidence".</param>
internal sealed record ConfirmationReport(ConfirmationStatus Status, IReadOnlyList<string> Attempts);

internal enum ConfirmationStatus
{
    Confirmed,
    NotReproduced,
    Unconfirmed,
}

internal sealed record RunTimings(double? FirstByteMs, double? FirstTextMs, double? TotalMs);

internal sealed record RunChunks(IReadOnlyList<int> Sent, IReadOnlyList<int> Received, IReadOnlyList<double>? ReceivedAtMs);

internal sealed record RunReport
{
    public required string Id { get; init; }
    public required string Client { get; init; }
    public required string Recording { get; init; }
    public required string Scenario { get; init; }
    public required IReadOnlyList<string> Faults { get; init; }
    public required string Consumer { get; init; }
    public required int Seed { get; init; }

    /// <summary>This run is the control (no fault) that the client's other runs on the recording are judged against.</summary>
    public bool? Control { get; init; }

    /// <summary>The control run this run was judged against, if any.</summary>
    public string? ControlRun { get; init; }

    /// <summary>completed, failed, gave-up, hung or crashed.</summary>
    public required ClientOutcome Outcome { get; init; }
    public string? Error { get; init; }
    public string? StopReason { get; init; }
    public int TextLength { get; init; }
    public int Requests { get; init; }
    public required RunTimings Timings { get; init; }
    public required IReadOnlyDictionary<string, FindingReport> Findings { get; init; }
    public required RunChunks Chunks { get; init; }
    public string? Stdout { get; init; }
    public string? Stderr { get; init; }

    /// <summary>How an exec client's answer was read: result-file or stdout; null in process.</summary>
    public string? Read { get; init; }

    /// <summary>Set when a finding of this run rested on time and was re-run alone (or could have been).</summary>
    public ConfirmationReport? Confirmation { get; init; }
}

internal sealed record HistogramBin(int From, int To, int Count);

/// <summary>Chunk-size distribution in bytes; bins are powers of two: [1,2), [2,4), [4,8) ...</summary>
internal sealed record SizeDistribution(int Count, int Min, int P50, int P90, int Max, IReadOnlyList<HistogramBin> Histogram)
{
    public static SizeDistribution Of(IEnumerable<int> sizes)
    {
        var sorted = sizes.Where(s => s > 0).Order().ToArray();
        if (sorted.Length == 0)
        {
            return new SizeDistribution(0, 0, 0, 0, 0, []);
        }

        var bins = new List<HistogramBin>();
        for (int from = 1; from <= sorted[^1]; from *= 2)
        {
            int lo = from, hi = from * 2;
            bins.Add(new HistogramBin(lo, hi, sorted.Count(s => s >= lo && s < hi)));
        }

        return new SizeDistribution(sorted.Length, sorted[0], Percentile(sorted, 0.5), Percentile(sorted, 0.9), sorted[^1], bins);
    }

    // Nearest-rank percentile: an actual observed size, never an interpolation.
    private static int Percentile(int[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}

internal sealed record ChunkSizes(SizeDistribution Sent, SizeDistribution Received);
