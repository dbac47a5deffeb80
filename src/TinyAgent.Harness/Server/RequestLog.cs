using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;

namespace TinyAgent.Harness.Server;

/// <summary>One request as the server logs it. Secret headers are already redacted.</summary>
internal sealed record RequestLogEntry(
    string RequestId,
    string Method,
    string Path,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    int Status,
    string? ErrorType,
    string? Scenario,
    int Attempt);

/// <summary>Replaces secret header values before anything is stored or printed.</summary>
internal sealed class HeaderRedactor
{
    public const string Redacted = "[redacted]";

    private static readonly string[] s_always = ["x-api-key", "authorization", "proxy-authorization", "cookie", "set-cookie"];
    private readonly HashSet<string> _names;

    public HeaderRedactor(IEnumerable<string> extra)
    {
        _names = new HashSet<string>(s_always.Concat(extra), StringComparer.OrdinalIgnoreCase);
    }

    public bool IsSecret(string name) => _names.Contains(name);

    public IReadOnlyList<KeyValuePair<string, string>> Redact(IHeaderDictionary headers)
    {
        var result = new List<KeyValuePair<string, string>>(headers.Count);
        foreach (var (name, values) in headers)
        {
            result.Add(new(name, IsSecret(name) ? Redacted : values.ToString()));
        }

        return result;
    }
}

/// <summary>A bounded log of requests (newest kept), so a long run keeps flat memory.</summary>
internal sealed class RequestLog(int limit)
{
    private readonly ConcurrentQueue<RequestLogEntry> _entries = new();

    public void Add(RequestLogEntry entry)
    {
        if (limit <= 0)
        {
            return;
        }

        _entries.Enqueue(entry);
        while (_entries.Count > limit && _entries.TryDequeue(out _))
        {
        }
    }

    public IReadOnlyList<RequestLogEntry> Snapshot() => [.. _entries];
}
