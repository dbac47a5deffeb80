// One file over 300 lines on purpose: the public client and its send pipeline (one attempt, retries, the status error)
// share the HttpClient, the options and the Polly pipelines built from them; reading a body is in Internal/.

using System.Buffers;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Polly;
using Polly.Retry;
using Polly.Timeout;
using TinyAgent.Client.Internal;

namespace TinyAgent.Client;

/// <summary>
/// A Messages API client. Timeouts and retries are owned here (Polly v8); set the given
/// <see cref="HttpClient.Timeout"/> to <see cref="Timeout.InfiniteTimeSpan"/>, it does not cover a streamed body.
/// </summary>
public sealed class MessagesClient
{
    private static readonly ResiliencePropertyKey<SendState?> SendStateKey = new("tinyagent.send-state");
    private readonly HttpClient _http;
    private readonly Uri _messagesUri;
    private readonly ResiliencePipeline<Attempt> _sendPipeline;

    /// <summary>Creates a client; validates <paramref name="options"/>.</summary>
    public MessagesClient(HttpClient httpClient, MessagesClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _http = httpClient;
        Options = options;
        var baseText = options.BaseUrl.AbsoluteUri;
        _messagesUri = new Uri(baseText.EndsWith('/') ? baseText + "v1/messages" : baseText + "/v1/messages");
        _sendPipeline = BuildSendPipeline(options);
        ReadPipeline = new ResiliencePipelineBuilder { TimeProvider = options.TimeProvider }
            .AddTimeout(new TimeoutStrategyOptions
            {
                TimeoutGenerator = static args => ValueTask.FromResult(args.Context.Properties.GetValue(BodyReader.TimeoutKey, TimeSpan.FromSeconds(30))),
            })
            .Build();
    }

    /// <summary>The validated options.</summary>
    public MessagesClientOptions Options { get; }

    internal ResiliencePipeline ReadPipeline { get; }

    /// <summary>Starts a streaming call lazily: nothing is sent until the stream is enumerated or drained.</summary>
    public MessageStream Stream(MessageRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new MessageStream(this, request, cancellationToken);
    }

    /// <summary>A non-streaming call: one JSON message.</summary>
    public async Task<Message> CreateAsync(MessageRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var deadlines = new CallDeadlines(Options);
        using var attempt = await SendAsync(request, streaming: false, deadlines, cancellationToken).ConfigureAwait(false);
        var (body, first, count) = attempt.Take();
        await using var reader = new BodyReader(body, first, count, ReadPipeline, deadlines, cancellationToken);
        var whole = new ArrayBufferWriter<byte>(BodyReader.BufferSize);
        try
        {
            int n;
            while ((n = await reader.ReadAsync(whole.GetMemory(BodyReader.BufferSize), cancellationToken).ConfigureAwait(false)) > 0)
                whole.Advance(n);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            throw new IncompleteStreamException(ClassifyEnd(ex), $"The response body broke after {reader.BytesRead} bytes: {ex.Message}", ex)
            { RequestId = RequestIdOf(attempt.Response) };
        }
        WireMessage? wire;
        try
        {
            wire = JsonSerializer.Deserialize(whole.WrittenSpan, WireJsonContext.Default.WireMessage);
        }
        catch (JsonException ex)
        {
            throw new StreamProtocolException($"The response body is not a JSON message (at byte {ex.BytePositionInLine}): {ex.Message}", ex)
            { RequestId = RequestIdOf(attempt.Response) };
        }
        if (wire is null || wire.Type != "message")
            throw new StreamProtocolException($"The response body is not a message object (type '{wire?.Type}').") { RequestId = RequestIdOf(attempt.Response) };
        var message = new Message
        {
            Id = wire.Id ?? "",
            Model = wire.Model ?? "",
            Role = wire.Role ?? "assistant",
            Content = wire.Content?.Select(MessageAccumulator.BlockFromJson).ToList() ?? [],
            StopReason = wire.StopReason,
            StopSequence = wire.StopSequence,
            Usage = new Usage(wire.Usage?.InputTokens ?? 0, wire.Usage?.OutputTokens ?? 0, wire.Usage?.CacheCreationInputTokens,
                wire.Usage?.CacheReadInputTokens, wire.Usage?.ServiceTier),
            RequestId = RequestIdOf(attempt.Response),
            IsComplete = true,
        };
        if (Options.ThrowOnMaxTokens && message.IsTruncatedByMaxTokens)
            throw new MaxTokensException("The reply stopped at max_tokens.") { RequestId = message.RequestId, PartialMessage = message };
        return message;
    }

    internal static IncompleteKind ClassifyEnd(Exception ex) =>
        ex is HttpIOException { HttpRequestError: HttpRequestError.ResponseEnded } ? IncompleteKind.CleanClose : IncompleteKind.Reset;

    internal static string? RequestIdOf(HttpResponseMessage response) =>
        response.Headers.TryGetValues("request-id", out var values) ? values.FirstOrDefault() : null;

    /// <summary>Sends with retries; returns a success response whose body has delivered its first read.</summary>
    internal async Task<Attempt> SendAsync(MessageRequest request, bool streaming, CallDeadlines deadlines, CancellationToken cancellationToken)
    {
        var payload = SerializeRequest(request, streaming);
        var state = new SendState(this, payload, streaming, deadlines);
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(SendStateKey, state);
        Attempt attempt;
        try
        {
            attempt = await _sendPipeline.ExecuteAsync(static (ctx, s) => s.Client.SendOnceAsync(ctx, s), context, state).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException ex)
        {
            throw deadlines.TimeoutError(state.LastPhase, ex);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
        {
            if (state.SawHeaders)
                throw new IncompleteStreamException(ClassifyEnd(ex), $"The connection broke before the first body byte: {ex.Message}", ex)
                { RequestId = state.LastRequestId };
            throw new ApiConnectionException($"Could not get a response from {_messagesUri}: {ex.Message}", ex);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
        if (!attempt.Response.IsSuccessStatusCode)
        {
            using (attempt)
                throw await StatusErrorAsync(attempt, deadlines, cancellationToken).ConfigureAwait(false);
        }
        if (streaming && attempt.Response.Content.Headers.ContentType?.MediaType is { } media
            && !media.Equals("text/event-stream", StringComparison.OrdinalIgnoreCase))
        {
            using (attempt)
                throw new StreamProtocolException($"Expected a text/event-stream body, got content-type '{media}'.") { RequestId = RequestIdOf(attempt.Response) };
        }
        return attempt;
    }

    private sealed class SendState(MessagesClient client, byte[] payload, bool streaming, CallDeadlines deadlines)
    {
        public MessagesClient Client { get; } = client;
        public byte[] Payload { get; } = payload;
        public bool Streaming { get; } = streaming;
        public CallDeadlines Deadlines { get; } = deadlines;
        public bool SawHeaders { get; set; }
        public string? LastRequestId { get; set; }
        public TimeoutPhase LastPhase { get; set; }
    }

    private async ValueTask<Attempt> SendOnceAsync(ResilienceContext context, SendState state)
    {
        var token = context.CancellationToken;
        using var message = new HttpRequestMessage(HttpMethod.Post, _messagesUri);
        message.Content = new ByteArrayContent(state.Payload);
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        message.Headers.TryAddWithoutValidation("x-api-key", Options.ApiKey);
        message.Headers.TryAddWithoutValidation("anthropic-version", Options.AnthropicVersion);
        message.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(state.Streaming ? "text/event-stream" : "application/json"));
        var response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
        state.SawHeaders = true;
        state.LastRequestId = RequestIdOf(response);
        var attempt = new Attempt(response);
        if (!response.IsSuccessStatusCode)
        {
            attempt.RetryAfter = RetryAfterOf(response);
            return attempt;
        }
        try
        {
            attempt.Body = await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false);
            attempt.First = ArrayPool<byte>.Shared.Rent(BodyReader.BufferSize);
            attempt.FirstCount = await attempt.Body.ReadAsync(attempt.First.AsMemory(), token).ConfigureAwait(false);
            return attempt;
        }
        catch
        {
            attempt.Dispose();
            throw;
        }
    }

    private ResiliencePipeline<Attempt> BuildSendPipeline(MessagesClientOptions options)
    {
        var builder = new ResiliencePipelineBuilder<Attempt> { TimeProvider = options.TimeProvider };
        if (options.MaxRetries > 0)
        {
            var random = options.Randomizer ?? Random.Shared.NextDouble;
            builder.AddRetry(new RetryStrategyOptions<Attempt>
            {
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = options.RetryMaxDelay,
                Randomizer = random,
                ShouldHandle = static args => ValueTask.FromResult(ShouldRetry(args.Outcome)),
                DelayGenerator = args => ValueTask.FromResult(
                    args.Outcome.Result?.RetryAfter is { } after ? (TimeSpan?)(after > options.RetryAfterCap ? options.RetryAfterCap : after) : null),
                OnRetry = static args =>
                {
                    args.Outcome.Result?.Dispose();
                    return default;
                },
            });
        }
        builder.AddTimeout(new TimeoutStrategyOptions
        {
            // Per attempt: the first-byte limit, or what is left of the total when that is shorter.
            TimeoutGenerator = static args =>
            {
                var state = args.Context.Properties.GetValue(SendStateKey, null)!;
                var (timeout, phase) = state.Deadlines.ForFirstByte();
                state.LastPhase = phase;
                return ValueTask.FromResult(timeout > TimeSpan.FromMilliseconds(1) ? timeout : TimeSpan.FromMilliseconds(1));
            },
        });
        return builder.Build();
    }

    private static bool ShouldRetry(Outcome<Attempt> outcome)
    {
        if (outcome.Exception is { } ex)
            return ex is HttpRequestException or IOException && ex is not OperationCanceledException;
        var response = outcome.Result!.Response;
        if (response.IsSuccessStatusCode)
            return false;
        if (response.Headers.TryGetValues("x-should-retry", out var values))
        {
            var value = values.FirstOrDefault();
            if (string.Equals(value, "true", StringComparison.OrdinalIgnoreCase))
                return true;
            if (string.Equals(value, "false", StringComparison.OrdinalIgnoreCase))
                return false;
        }
        var code = (int)response.StatusCode;
        return code is 408 or 409 or 429 or >= 500;
    }

    internal static TimeSpan? RetryAfterOf(HttpResponseMessage response)
    {
        if (response.Headers.TryGetValues("retry-after-ms", out var ms)
            && double.TryParse(ms.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var millis) && millis >= 0)
            return TimeSpan.FromMilliseconds(millis);
        if (response.Headers.RetryAfter is { } after)
        {
            if (after.Delta is { } delta)
                return delta;
            if (after.Date is { } date)
            {
                var wait = date - (response.Headers.Date ?? date);
                return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
            }
        }
        return null;
    }

    private static async Task<ApiStatusException> StatusErrorAsync(Attempt attempt, CallDeadlines deadlines, CancellationToken cancellationToken)
    {
        var response = attempt.Response;
        string? type = null, message = null, requestId = RequestIdOf(response);
        var (timeout, phase) = deadlines.ForNextRead();
        // On the options' clock like every other limit; a budget already spent cancels at once (a negative delay would throw).
        using var timer = new CancellationTokenSource(timeout > TimeSpan.Zero ? timeout : TimeSpan.Zero, deadlines.Time);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            var bytes = await response.Content.ReadAsByteArrayAsync(cts.Token).ConfigureAwait(false);
            var envelope = JsonSerializer.Deserialize(bytes, WireJsonContext.Default.WireErrorEnvelope);
            type = envelope?.Error?.Type;
            message = envelope?.Error?.Message;
            requestId ??= envelope?.RequestId;
        }
        catch (OperationCanceledException ex) when (timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            message = $"(error body unreadable: {deadlines.TimeoutError(phase, ex).Message})";
        }
        catch (Exception ex) when (ex is JsonException or IOException or HttpRequestException
                                   || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            message = $"(error body unreadable: {ex.Message})";
        }
        return new ApiStatusException(response.StatusCode, type, message) { RequestId = requestId, RetryAfter = attempt.RetryAfter };
    }

    private static byte[] SerializeRequest(MessageRequest request, bool streaming)
    {
        var wire = new WireRequest
        {
            Model = request.Model,
            MaxTokens = request.MaxTokens,
            Messages = [.. request.Messages.Select(m => new WireInputMessage(m.Role, m.Content))],
            System = request.System,
            StopSequences = request.StopSequences?.ToList(),
            Stream = streaming ? true : null,
            Extra = request.Extra?.ToDictionary(),
        };
        return JsonSerializer.SerializeToUtf8Bytes(wire, WireJsonContext.Default.WireRequest);
    }
}
