using Microsoft.AspNetCore.Http;

namespace TinyAgent.Harness.Recordings;

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
