
namespace TinyAgent.Harness.Replay;

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

/// <summary>A bounded log of requests (newest kept), so a long run keeps flat memory.</summary>
internal sealed class RequestLog(int limit)
{
    private readonly Lock _gate = new();
    private readonly BoundedRing<RequestLogEntry> _entries = new(limit);

    public void Add(RequestLogEntry entry)
    {
        lock (_gate)
        {
            _entries.Add(entry);
        }
    }

    public IReadOnlyList<RequestLogEntry> Snapshot()
    {
        lock (_gate)
        {
            return _entries.ToList();
        }
    }
}

/// <summary>A fixed-capacity ring: adding beyond capacity drops the oldest item. Not thread-safe; callers lock.</summary>
internal sealed class BoundedRing<T>(int capacity)
{
    private readonly T[] _items = new T[Math.Max(capacity, 0)];
    private int _next;
    private int _count;

    public int Count => _count;

    public void Add(T item)
    {
        if (_items.Length == 0)
        {
            return;
        }

        _items[_next] = item;
        _next = (_next + 1) % _items.Length;
        _count = Math.Min(_count + 1, _items.Length);
    }

    public List<T> ToList()
    {
        var list = new List<T>(_count);
        int start = (_next - _count + _items.Length) % Math.Max(_items.Length, 1);
        for (int i = 0; i < _count; i++)
        {
            list.Add(_items[(start + i) % _items.Length]);
        }

        return list;
    }
}
