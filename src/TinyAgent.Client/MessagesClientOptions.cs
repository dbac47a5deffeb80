namespace TinyAgent.Client;

/// <summary>Options for <see cref="MessagesClient"/>. Call <see cref="Validate"/> (the client does) before use.</summary>
public sealed record MessagesClientOptions
{
    /// <summary>Base address; requests go to <c>{BaseUrl}/v1/messages</c>. Default: https://api.anthropic.com/.</summary>
    public Uri BaseUrl { get; init; } = new("https://api.anthropic.com/");

    /// <summary>Sent as <c>x-api-key</c>. Required (non-empty).</summary>
    public string ApiKey { get; init; } = "";

    /// <summary>Sent as <c>anthropic-version</c>. Default: 2023-06-01.</summary>
    public string AnthropicVersion { get; init; } = "2023-06-01";

    /// <summary>Per attempt: from sending the request until the first byte of the body. Default: 60 s.</summary>
    public TimeSpan FirstByteTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Longest wait on the network between body reads (see <see cref="IdleRequiresContent"/>). Default: 30 s.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Whole call, retries and the caller's own pauses included. Default: 10 min.</summary>
    public TimeSpan TotalTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>When true, only content progress (any event other than <c>ping</c>) resets the idle clock, so a stream that sends
    /// nothing but pings still ends as stalled. Default: false (any bytes reset it).</summary>
    public bool IdleRequiresContent { get; init; }

    /// <summary>Retries before the first byte of the body (0 disables). Default: 2.</summary>
    public int MaxRetries { get; init; } = 2;

    /// <summary>First backoff delay; it doubles per attempt, with jitter. Default: 500 ms.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Cap on a computed backoff delay. Default: 8 s.</summary>
    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromSeconds(8);

    /// <summary>Cap on a server-given <c>retry-after-ms</c> / <c>retry-after</c>; longer waits are cut to the cap. Default: 60 s.</summary>
    public TimeSpan RetryAfterCap { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>When true, a <c>max_tokens</c> ending throws <see cref="MaxTokensException"/>. Default: false
    /// (read <see cref="Message.IsTruncatedByMaxTokens"/>).</summary>
    public bool ThrowOnMaxTokens { get; init; }

    /// <summary>Clock for every timeout and backoff. Default: <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Source of jitter in [0, 1); give a seeded one for reproducible runs. Default: null (a shared random source).</summary>
    public Func<double>? Randomizer { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid field.</summary>
    public void Validate()
    {
        if (BaseUrl is null || !BaseUrl.IsAbsoluteUri)
            throw new ArgumentException("BaseUrl must be an absolute URI.", nameof(BaseUrl));
        if (string.IsNullOrWhiteSpace(ApiKey))
            throw new ArgumentException("ApiKey must not be empty.", nameof(ApiKey));
        if (string.IsNullOrWhiteSpace(AnthropicVersion))
            throw new ArgumentException("AnthropicVersion must not be empty.", nameof(AnthropicVersion));
        RequirePositive(FirstByteTimeout, nameof(FirstByteTimeout));
        RequirePositive(IdleTimeout, nameof(IdleTimeout));
        RequirePositive(TotalTimeout, nameof(TotalTimeout));
        if (MaxRetries is < 0 or > 100)
            throw new ArgumentException($"MaxRetries must be in [0, 100], was {MaxRetries}.", nameof(MaxRetries));
        RequireNonNegative(RetryBaseDelay, nameof(RetryBaseDelay));
        RequireNonNegative(RetryMaxDelay, nameof(RetryMaxDelay));
        RequireNonNegative(RetryAfterCap, nameof(RetryAfterCap));
        if (RetryMaxDelay < RetryBaseDelay)
            throw new ArgumentException($"RetryMaxDelay ({RetryMaxDelay}) must be >= RetryBaseDelay ({RetryBaseDelay}).", nameof(RetryMaxDelay));
        if (TimeProvider is null)
            throw new ArgumentException("TimeProvider must not be null.", nameof(TimeProvider));
    }

    private static void RequirePositive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero || value > TimeSpan.FromDays(1))
            throw new ArgumentException($"{name} must be in (0, 1 day], was {value}.", name);
    }

    private static void RequireNonNegative(TimeSpan value, string name)
    {
        if (value < TimeSpan.Zero || value > TimeSpan.FromDays(1))
            throw new ArgumentException($"{name} must be in [0, 1 day], was {value}.", name);
    }
}
