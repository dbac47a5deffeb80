using System.Globalization;

namespace TinyAgent.Harness.Plan.Faults;

/// <summary>Options of <c>http-error</c>.</summary>
internal sealed record HttpErrorOptions : IFaultOptions
{
    /// <summary>HTTP status, 400 to 599. Default 429.</summary>
    public int Status { get; init; } = 429;

    /// <summary>Answer the first this many attempts with the error; later attempts get the normal stream. Default 1.</summary>
    public int Attempts { get; init; } = 1;

    /// <summary>Seconds for <c>retry-after</c> (and <c>retry-after-ms</c>). Default: no such headers.</summary>
    public int? RetryAfterSeconds { get; init; }

    /// <summary>Value of <c>x-should-retry</c>. Default: no such header.</summary>
    public bool? ShouldRetry { get; init; }

    /// <summary>The error's <c>message</c>. Default: one fitting the status.</summary>
    public string? Message { get; init; }

    /// <summary>Milliseconds for <c>retry-after-ms</c> alone (the header the SDKs read first). Default: no such header. Not with <see cref="RetryAfterSeconds"/>.</summary>
    public int? RetryAfterMs { get; init; }

    /// <summary>
    /// Send <c>retry-after</c> as an HTTP date this many seconds after the reply is sent. The server writes the date when it
    /// answers (plans never read the clock), rounded up to the second. Default: no such header. Not with <see cref="RetryAfterSeconds"/>.
    /// </summary>
    public int? RetryAfterDate { get; init; }

    /// <summary>
    /// Add <c>anthropic-ratelimit-{requests,tokens,input-tokens,output-tokens}-{limit,remaining,reset}</c>, resets in RFC 3339.
    /// Default none (no such headers; nullable so existing descriptions stay as they were).
    /// </summary>
    public bool? RateLimitHeaders { get; init; }

    public IEnumerable<string> Validate()
    {
        if (Status is < 400 or > 599)
        {
            yield return "status: must be an error status, 400 to 599";
        }

        if (Attempts < 1)
        {
            yield return "attempts: must be at least 1";
        }

        if (RetryAfterSeconds < 0)
        {
            yield return "retryAfterSeconds: must not be negative";
        }

        if (RetryAfterMs < 0)
        {
            yield return "retryAfterMs: must not be negative";
        }

        if (RetryAfterDate < 0)
        {
            yield return "retryAfterDate: must not be negative";
        }

        if (RetryAfterSeconds is not null && RetryAfterMs is not null)
        {
            yield return "retryAfterMs: give retryAfterSeconds (which sends both headers) or retryAfterMs, not both";
        }

        if (RetryAfterSeconds is not null && RetryAfterDate is not null)
        {
            yield return "retryAfterDate: give retryAfterSeconds or retryAfterDate (both are retry-after), not both";
        }
    }
}

/// <summary>
/// Response: the first K attempts are answered with an HTTP error status and the API's error JSON
/// instead of the stream; later faults do not run for those attempts. Later attempts are untouched.
/// </summary>
[Fault("http-error", typeof(HttpErrorOptions), FaultStage.Response)]
internal sealed class HttpErrorFault(HttpErrorOptions options) : Fault<HttpErrorOptions>(options)
{
    public override void Apply(PlanBuilder plan)
    {
        if (plan.Attempt > Options.Attempts)
        {
            return;
        }

        var error = plan.Format.ErrorForStatus(Options.Status);
        string requestId = "req_" + string.Concat(Enumerable.Range(0, 24).Select(_ => "0123456789abcdefghijklmnopqrstuvwxyz"[plan.Random.Next(36)]));

        // The body carries the plan's own seeded id; the server sends its own request-id header for every reply.
        plan.Status = Options.Status;
        plan.ReplaceBody(plan.Format.ErrorBody(Options.Message is { } message ? error with { Message = message } : error, requestId));
        plan.Headers.RemoveAll(h => h.Key.Equals("content-type", StringComparison.OrdinalIgnoreCase)
            || h.Key.Equals("cache-control", StringComparison.OrdinalIgnoreCase));
        plan.Headers.Add(new("content-type", "application/json"));
        if (Options.RetryAfterSeconds is int seconds)
        {
            plan.Headers.Add(new("retry-after", seconds.ToString(CultureInfo.InvariantCulture)));
            plan.Headers.Add(new("retry-after-ms", (seconds * 1000L).ToString(CultureInfo.InvariantCulture)));
        }

        if (Options.RetryAfterMs is int ms)
        {
            plan.Headers.Add(new("retry-after-ms", ms.ToString(CultureInfo.InvariantCulture)));
        }

        if (Options.RetryAfterDate is int dateSeconds)
        {
            plan.TimedHeaders.Add(new("retry-after", TimeSpan.FromSeconds(dateSeconds), TimedHeaderFormat.HttpDate));
        }

        if (Options.ShouldRetry is bool retry)
        {
            plan.Headers.Add(new("x-should-retry", retry ? "true" : "false"));
        }

        // The wait a client should take: the SDKs read retry-after-ms first, then retry-after (seconds or a date).
        TimeSpan? retryAfter = Options.RetryAfterMs is int first ? TimeSpan.FromMilliseconds(first)
            : Options.RetryAfterSeconds is int s ? TimeSpan.FromSeconds(s)
            : Options.RetryAfterDate is int d ? TimeSpan.FromSeconds(d)
            : null;
        if (Options.RateLimitHeaders == true)
        {
            AddRateLimitHeaders(plan, retryAfter);
        }

        plan.Facts = plan.Facts with { HttpErrorStatus = Options.Status, RetryAfter = retryAfter, ShouldRetry = Options.ShouldRetry };
    }

    /// <summary>The API's rate-limit headers: on a 429 the request bucket is empty and resets when the retry is due.</summary>
    private void AddRateLimitHeaders(PlanBuilder plan, TimeSpan? retryAfter)
    {
        var reset = retryAfter is { } wait && wait >= TimeSpan.FromSeconds(1) ? wait : TimeSpan.FromSeconds(1);
        var headers = plan.Format.RateLimits(limited: Options.Status == 429, reset);
        plan.Headers.AddRange(headers.Fixed);
        plan.TimedHeaders.AddRange(headers.ResetMoments.Select(h => new TimedHeader(h.Key, h.Value, TimedHeaderFormat.Rfc3339)));
    }
}
