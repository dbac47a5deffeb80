using System.Globalization;

namespace TinyAgent.Harness.Clients;

/// <summary>
/// What the Anthropic and OpenAI SDKs read from a refused answer before the stream, the same in both: whether to retry
/// it, and how long the server asked them to wait. How many retries and which backoff is each built-in client's own.
/// </summary>
internal static class SdkRetry
{
    /// <summary>408, 409, 429 and 5xx are retried; <c>x-should-retry</c> overrides.</summary>
    public static bool Retries(HttpResponseMessage response)
    {
        bool? should = response.Headers.TryGetValues("x-should-retry", out var sv) ? string.Equals(sv.First(), "true", StringComparison.OrdinalIgnoreCase) : null;
        return should ?? (int)response.StatusCode is 408 or 409 or 429 or >= 500;
    }

    /// <summary><c>retry-after-ms</c>, else <c>retry-after</c> (seconds, or an HTTP date from now: negative when past); null when neither is given.</summary>
    public static TimeSpan? Asked(HttpResponseMessage response, TimeProvider time) =>
        response.Headers.TryGetValues("retry-after-ms", out var ms) && double.TryParse(ms.First(), NumberStyles.Float, CultureInfo.InvariantCulture, out double millis)
            ? TimeSpan.FromMilliseconds(millis)
            : response.Headers.RetryAfter is { } after
                ? after.Delta ?? (after.Date is { } date ? date - time.GetUtcNow() : null)
                : null;
}
