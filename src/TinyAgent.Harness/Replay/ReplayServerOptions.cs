using TinyAgent.Harness.Plan;

namespace TinyAgent.Harness.Replay;

/// <summary>Options of <see cref="ReplayServer"/>. Defaults suit a local test run.</summary>
internal sealed record ReplayServerOptions
{
    /// <summary>Address to bind. Default 127.0.0.1; any non-loopback address prints a warning to <see cref="Warnings"/>.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>TCP port; 0 (default) picks a free port.</summary>
    public int Port { get; init; }

    /// <summary>Scenario answered by <c>POST /v1/messages</c> without a <c>/s/{scenario}</c> prefix. Default none (404).</summary>
    public string? DefaultScenario { get; init; }

    /// <summary>
    /// Quiet time the server keeps before and after a chunk the plan marks <c>Separate</c>, so the client's
    /// read cannot merge it with its neighbours. Default 5 ms (measured in docs/server.md). Zero disables it.
    /// </summary>
    public TimeSpan SplitGap { get; init; } = ReplayPlan.SplitGap;

    /// <summary>How long a stalled response is held open before the server gives up and resets it. Default 2 min.</summary>
    public TimeSpan StallLimit { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Header names redacted in the request log, besides x-api-key, authorization, proxy-authorization, cookie and set-cookie.</summary>
    public IReadOnlyList<string> RedactHeaders { get; init; } = [];

    /// <summary><c>anthropic-version</c> values accepted besides any dated version from 2023-01-01 on. Default 2023-06-01 and 2023-01-01.</summary>
    public IReadOnlyList<string> AcceptedVersions { get; init; } = ["2023-06-01", "2023-01-01"];

    /// <summary>Largest request body accepted (bytes); larger gets 413 <c>request_too_large</c>. Default 1 MiB.</summary>
    public int MaxRequestBodyBytes { get; init; } = 1 << 20;

    /// <summary>Evidence kept per scenario (the oldest is dropped beyond this). Default 1,000.</summary>
    public int EvidenceLimitPerScenario { get; init; } = 1_000;

    /// <summary>Entries kept in the (redacted) request log. Default 1,000.</summary>
    public int RequestLogLimit { get; init; } = 1_000;

    /// <summary>Where warnings go (non-loopback binding). Default standard error.</summary>
    public TextWriter Warnings { get; init; } = Console.Error;
}
