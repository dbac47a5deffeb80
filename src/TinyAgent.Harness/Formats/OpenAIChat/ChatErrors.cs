using System.Globalization;
using System.Text;

namespace TinyAgent.Harness.Formats.OpenAIChat;

/// <summary>
/// The API's errors and rate-limit headers (WIRE-OPENAI.md): <c>{"error":{"message","type","param","code"}}</c> with a
/// non-2xx status, the types and codes the API and the SDKs' docs name by status, and
/// <c>x-ratelimit-{limit,remaining,reset}-{requests,tokens}</c> with resets written as durations (<c>6m0s</c>).
/// </summary>
internal static class ChatErrors
{
    /// <summary>
    /// The documented error per status; one table for both directions. 503's message is the one observed in traffic
    /// (openai-python #414, agi-merge/waggle-dance #53: type <c>server_error</c>, code null).
    /// </summary>
    private static readonly ApiError[] s_documented =
    [
        new(400, "invalid_request_error", "Invalid request."),
        new(401, "invalid_request_error", "Incorrect API key provided.") { Code = "invalid_api_key" },
        new(403, "request_forbidden", "Country, region, or territory not supported.") { Code = "unsupported_country_region_territory" },
        new(404, "invalid_request_error", "The model does not exist or you do not have access to it.") { Code = "model_not_found" },
        new(429, "requests", "Rate limit reached for requests. Please try again in 1s.") { Code = "rate_limit_exceeded" },
        new(500, "server_error", "The server had an error while processing your request. Sorry about that!"),
        new(503, "server_error", "That model is currently overloaded with other requests. You can retry your request."),
    ];

    /// <summary>
    /// Errors the shared server answers before it knows a format (unknown path, body too large) carry the Messages
    /// API's type names; this API calls them all <c>invalid_request_error</c>.
    /// </summary>
    private static readonly HashSet<string> s_foreignTypes = new(["not_found_error", "request_too_large", "authentication_error"], StringComparer.Ordinal);

    /// <summary>The documented error for a status; other statuses by class (4xx <c>invalid_request_error</c>, 5xx <c>server_error</c>).</summary>
    public static ApiError ForStatus(int status) =>
        Array.Find(s_documented, e => e.Status == status)
        ?? Array.Find(s_documented, e => e.Status == (status < 500 ? 400 : 500))! with { Status = status };

    /// <summary>
    /// The status a <c>"stream": false</c> reply answers for an error met inside a stream: its <c>code</c> when that is an
    /// HTTP status (vLLM writes <c>"code": 500</c>), else the first status documented for its type, else 500.
    /// </summary>
    public static int StatusFor(string type, string? code) =>
        int.TryParse(code, NumberStyles.None, CultureInfo.InvariantCulture, out int status) && status is >= 400 and <= 599
            ? status
            : Array.Find(s_documented, e => e.Type == type)?.Status ?? 500;

    /// <summary>The error as the API writes it: apostrophes and non-ASCII text as they are, not <c>\uXXXX</c>.</summary>
    public static byte[] Body(ApiError error)
    {
        string type = s_foreignTypes.Contains(error.Type) ? "invalid_request_error" : error.Type;
        return OpenAIError.Write(error.Message, type, error.Code);
    }

    /// <summary>
    /// The requests and tokens buckets as the API reports them; when <paramref name="limited"/> the requests bucket is
    /// empty and resets after <paramref name="reset"/>. Resets are durations, so they are fixed headers, not moments.
    /// </summary>
    public static RateLimitHeaders RateLimits(bool limited, TimeSpan reset) => new(
        [
            new("x-ratelimit-limit-requests", "10000"),
            new("x-ratelimit-limit-tokens", "30000000"),
            new("x-ratelimit-remaining-requests", limited ? "0" : "9999"),
            new("x-ratelimit-remaining-tokens", limited ? "0" : "29999000"),
            new("x-ratelimit-reset-requests", limited ? Duration(reset) : "6ms"),
            new("x-ratelimit-reset-tokens", limited ? Duration(reset) : "2ms"),
        ],
        []);

    /// <summary>
    /// A duration as the API writes it (Go's <c>time.Duration</c>: <c>12ms</c>, <c>1s</c>, <c>1.5s</c>, <c>6m0s</c>,
    /// <c>1h2m3s</c>). Below a millisecond it rounds up to <c>1ms</c>: Go's <c>µs</c> is not ASCII, which header values must be.
    /// </summary>
    public static string Duration(TimeSpan d)
    {
        if (d <= TimeSpan.Zero)
        {
            return "0s";
        }

        if (d < TimeSpan.FromSeconds(1))
        {
            return Math.Max(1, d.TotalMilliseconds).ToString("0.###", CultureInfo.InvariantCulture) + "ms";
        }

        var sb = new StringBuilder();
        long hours = (long)d.TotalHours;
        if (hours > 0)
        {
            sb.Append(hours.ToString(CultureInfo.InvariantCulture)).Append('h');
        }

        if (hours > 0 || d.Minutes > 0)
        {
            sb.Append(d.Minutes.ToString(CultureInfo.InvariantCulture)).Append('m');
        }

        double seconds = d.Seconds + (d.Ticks % TimeSpan.TicksPerSecond / (double)TimeSpan.TicksPerSecond);
        return sb.Append(seconds.ToString("0.###", CultureInfo.InvariantCulture)).Append('s').ToString();
    }
}
