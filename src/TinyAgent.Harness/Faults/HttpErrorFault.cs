using System.Globalization;
using TinyAgent.Harness.Server;

namespace TinyAgent.Harness.Faults;

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
    }
}

/// <summary>
/// Response: the first K attempts are answered with an HTTP error status and the API's error JSON
/// instead of the stream; later faults do not run for those attempts. Later attempts are untouched.
/// </summary>
[Fault("http-error", typeof(HttpErrorOptions))]
internal sealed class HttpErrorFault(HttpErrorOptions options) : IFault
{
    public FaultStage Stage => FaultStage.Response;

    public IFaultOptions Options => options;

    public void Apply(PlanBuilder plan)
    {
        if (plan.Attempt > options.Attempts)
        {
            return;
        }

        var error = ApiError.ForStatus(options.Status);
        string requestId = "req_" + string.Concat(Enumerable.Range(0, 24).Select(_ => "0123456789abcdefghijklmnopqrstuvwxyz"[plan.Random.Next(36)]));

        // The body carries the plan's own seeded id; the server sends its own request-id header for every reply.
        plan.Status = options.Status;
        plan.ReplaceBody((options.Message is { } message ? error with { Message = message } : error).ToJson(requestId));
        plan.Headers.RemoveAll(h => h.Key.Equals("content-type", StringComparison.OrdinalIgnoreCase)
            || h.Key.Equals("cache-control", StringComparison.OrdinalIgnoreCase));
        plan.Headers.Add(new("content-type", "application/json"));
        if (options.RetryAfterSeconds is int seconds)
        {
            plan.Headers.Add(new("retry-after", seconds.ToString(CultureInfo.InvariantCulture)));
            plan.Headers.Add(new("retry-after-ms", (seconds * 1000L).ToString(CultureInfo.InvariantCulture)));
        }

        if (options.ShouldRetry is bool retry)
        {
            plan.Headers.Add(new("x-should-retry", retry ? "true" : "false"));
        }

        plan.Facts = plan.Facts with { HttpErrorStatus = options.Status };
    }
}
