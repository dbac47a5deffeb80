using System.Globalization;
using TinyAgent.Harness.Model;
using TinyAgent.Harness.Plan;

namespace TinyAgent.Harness.Replay;

/// <summary>The per-request log lines of <c>serve</c> and its closing summary. Lines hold no headers, so no secrets.</summary>
internal sealed class ServeLog(TextWriter output)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _byFault = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _byBehaviour = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _refused = new(StringComparer.Ordinal);
    private int _requests;
    private bool _closed;

    /// <summary>What the client did, from the server's completion evidence.</summary>
    public static (string Category, string Text) Behaviour(ServerEvidence evidence, ServedRequest? served)
    {
        long bytes = evidence.BytesSent;
        int planned = served?.Plan.Body.Length ?? 0;
        bool allSent = served is not null && evidence.Sent.Count(c => c.Offset < planned || planned == 0) >= served.Plan.Chunks.Count;
        string left = evidence.ClientDisconnectedAt is { } at ? string.Create(CultureInfo.InvariantCulture, $", left at {at.TotalMilliseconds:0} ms") : "";
        return evidence.Ending switch
        {
            ServerEnding.Complete => ("read-to-end", "read to the end"),
            ServerEnding.CleanClose => ("read-to-end", $"read to the end (clean close by plan after {bytes} B)"),
            ServerEnding.Reset => ("reset-by-plan", $"reset by plan after {bytes} B"),
            ServerEnding.StallAbandoned => ("stall-gave-up", $"stalled until the server gave up after {bytes} B"),
            _ when served?.Plan.Stall is not null && allSent => ("stalled-and-left", $"stalled and left after {bytes} B{left}"),
            _ => ("disconnected-early", $"disconnected early after {bytes} of {planned} B{left}"),
        };
    }

    /// <summary>One line: request id, route#attempt, status, client behaviour, sent bytes and chunks, then <c>replay: SPEC</c>.</summary>
    public static string Line(ServerEvidence evidence, ServedRequest? served)
    {
        var (_, text) = Behaviour(evidence, served);
        string ms = evidence.EndedAt is { } end ? string.Create(CultureInfo.InvariantCulture, $"{end.TotalMilliseconds:0} ms") : "?";
        return string.Create(CultureInfo.InvariantCulture,
            $"{evidence.RequestId} {evidence.Scenario}#{evidence.Attempt} status {evidence.Status}: {text}; sent {evidence.BytesSent} B in {evidence.Sent.Count} chunks, {ms} | {PlanSpec.Marker}{served?.Spec.ToString() ?? "(unknown)"}");
    }

    /// <summary>One line for a request the server refused before planning: no recording or faults were involved.</summary>
    public void Rejected(RequestLogEntry entry)
    {
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            Count(_refused, $"{entry.Status} {entry.ErrorType}");
            output.WriteLine($"{entry.RequestId} rejected: status {entry.Status} {entry.ErrorType} for {entry.Method} {entry.Path}");
            output.Flush();
        }
    }

    public void Request(ServerEvidence evidence, ServedRequest? served)
    {
        string line = Line(evidence, served);
        string category = Behaviour(evidence, served).Category;
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            _requests++;
            Count(_byFault, served?.FaultKind ?? "unknown");
            Count(_byBehaviour, category);
            output.WriteLine(line);
            output.Flush();
        }
    }

    /// <summary>Totals; rejections (bad key, bad JSON, unknown path) are counted as they happen, since the server's request log keeps only the newest entries.</summary>
    public void Summary()
    {
        lock (_gate)
        {
            _closed = true;
            output.WriteLine();
            output.WriteLine($"serve: {_requests} requests");
            output.WriteLine("  by fault:  " + Join(_byFault));
            output.WriteLine("  by client: " + Join(_byBehaviour));
            if (_refused.Count > 0)
            {
                output.WriteLine("  rejected before planning: " + Join(_refused));
            }

            output.Flush();
        }
    }

    private static void Count(Dictionary<string, int> counts, string key) => counts[key] = counts.GetValueOrDefault(key) + 1;

    private static string Join(Dictionary<string, int> counts) =>
        counts.Count == 0 ? "(none)" : string.Join(", ", counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key} {kv.Value}"));
}
