using System.Net.ServerSentEvents;
using System.Text.Json;
using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Clients;

/// <summary>
/// Client under test <c>openai-chat</c>: a careful Chat Completions streaming client in process, HttpClient and
/// <see cref="SseParser"/> over the run's read-instrumented HttpClient. It retries before the body as the OpenAI SDKs do
/// (408, 409, 429, >= 500 or <c>x-should-retry: true</c>; two retries; <c>retry-after-ms</c>, then <c>retry-after</c>),
/// lets the parser carry frames across reads, reads choice 0 (skipping chunks without one: Azure's first chunk, the
/// usage chunk), ends at <c>data: [DONE]</c> without waiting for the connection to close, reports the
/// <c>finish_reason</c>, an <c>error</c> object inside the stream with its type (else its code), a body that ends
/// before <c>[DONE]</c> as <c>incomplete_stream</c>, and times out when no byte arrives for the idle time (any byte,
/// comments too, resets it) or the total deadline passes. On give-up it closes the connection at once.
/// </summary>
internal sealed class OpenAIChatClient(Func<HttpMessageHandler>? innerHandler = null) : IClientUnderTest
{
    public const string ClientName = "openai-chat";

    private const string RequestBody =
        """{"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"Hello"}]}""";

    public string Name => ClientName;

    public async Task<ClientResult> RunAsync(ClientRunContext context, CancellationToken cancellationToken)
    {
        var http = RunHttp.Create(context.Time, innerHandler);
        var reply = new OpenAIChatReply();
        try
        {
            return await ExchangeAsync(http, reply, context, cancellationToken);
        }
        catch (ChatClientException ex)
        {
            return reply.Result(http, ClientOutcome.Failed, new ClientError(ex.Type, ex.Message));
        }
        finally
        {
            http.Dispose(); // the run's end: every socket closes, as when a process exits
        }
    }

    private static async Task<ClientResult> ExchangeAsync(RunHttp http, OpenAIChatReply reply, ClientRunContext context, CancellationToken token)
    {
        using var response = await SendAsync(http, context, token);
        if (!response.IsSuccessStatusCode)
        {
            return reply.Result(http, ClientOutcome.Failed, await StatusErrorAsync(response, http, context, token));
        }

        var body = new ReadTimeoutStream(await response.Content.ReadAsStreamAsync(token), hasBytes => hasBytes
            ? Limit(http, context, context.Timeouts.Idle, "stalled", "no bytes")
            : Limit(http, context, context.Timeouts.FirstByte, "timeout_first_byte", "no first byte"), context.Time);
        bool done = false, gaveUp = false;
        try
        {
            await foreach (var item in SseParser.Create(body).EnumerateAsync(token))
            {
                if (item.Data == "[DONE]")
                {
                    done = true;
                    break; // the reply is over, whatever the connection does next
                }

                if (reply.Add(item.Data, http.Recorder.Now) is { } streamError)
                {
                    return reply.Result(http, ClientOutcome.Failed, streamError);
                }

                if (reply.TextDeltas == context.Consumer.GiveUpAfterDeltas && reply.TextDeltas > 0)
                {
                    gaveUp = true;
                    break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException && !token.IsCancellationRequested)
        {
            return reply.Result(http, ClientOutcome.Failed, new ClientError("incomplete_stream", $"the stream broke before data: [DONE]: {ex.Message}"));
        }

        if (gaveUp)
        {
            // The user left: close the connection now (disposing the response alone would drain the rest), then stay
            // alive for the linger time, so that a connection left open would be visible.
            var gaveUpAt = http.Recorder.Now;
            response.Dispose();
            http.Dispose();
            await Task.Delay(context.Linger, context.Time, token);
            return reply.Result(http, ClientOutcome.GaveUp, null) with { GaveUpAt = gaveUpAt };
        }

        return done
            ? reply.Result(http, ClientOutcome.Completed, null)
            : reply.Result(http, ClientOutcome.Failed, new ClientError("incomplete_stream", "the stream ended before data: [DONE]"));
    }

    /// <summary>
    /// POSTs the request until an answer is final: a success, a status the SDKs do not retry, or the third refusal.
    /// A retry waits what the server asked (<see cref="ArticleLoop.RetryWait"/>), but never past the total deadline.
    /// </summary>
    private static async Task<HttpResponseMessage> SendAsync(RunHttp http, ClientRunContext context, CancellationToken token)
    {
        for (int attempt = 1; ; attempt++)
        {
            using var request = StreamRequest.Create(context.BaseUrl, "/v1/chat/completions", RequestBody, ("Authorization", "Bearer sk-harness-dummy"));
            HttpResponseMessage response;
            try
            {
                response = await Limit(http, context, context.Timeouts.FirstByte, "timeout_first_byte", "no response headers")
                    .RunAsync(ct => http.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct), context.Time, token);
            }
            catch (HttpRequestException ex) when (attempt <= 2)
            {
                await WaitAsync(http, context, TimeSpan.FromMilliseconds(100 * attempt), new ChatClientException("connection_error", ex.Message), token);
                continue; // the SDKs retry a connection that failed before any answer
            }
            catch (HttpRequestException ex)
            {
                throw new ChatClientException("connection_error", ex.Message);
            }

            if (response.IsSuccessStatusCode || ArticleLoop.RetryWait(response, attempt, context.Time) is not { } wait)
            {
                return response;
            }

            var refused = await StatusErrorAsync(response, http, context, token);
            response.Dispose();
            await WaitAsync(http, context, wait, new ChatClientException(refused.Type, refused.Message), token);
        }
    }

    /// <summary>Waits before a retry, or gives up with <paramref name="lastError"/> when the wait would end past the total deadline.</summary>
    private static Task WaitAsync(RunHttp http, ClientRunContext context, TimeSpan wait, ChatClientException lastError, CancellationToken token) =>
        http.Recorder.Now + wait >= context.Timeouts.Total ? throw lastError : Task.Delay(wait, context.Time, token);

    /// <summary>The error body <c>{"error":{"message","type","param","code"}}</c>: its type, else its code, else the status.</summary>
    private static async Task<ClientError> StatusErrorAsync(HttpResponseMessage response, RunHttp http, ClientRunContext context, CancellationToken token)
    {
        int status = (int)response.StatusCode;
        string body;
        var limit = Limit(http, context, context.Timeouts.Idle, "stalled", "the error body did not arrive");
        using (var timer = new CancellationTokenSource(limit.Wait, context.Time))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(token, timer.Token))
        {
            try
            {
                body = await response.Content.ReadAsStringAsync(linked.Token);
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException or OperationCanceledException && !token.IsCancellationRequested)
            {
                return new ClientError($"http_{status}", $"HTTP {status}; the error body broke off: {ex.Message}");
            }
        }

        try
        {
            using var doc = JsonDocument.Parse(body);
            if (OpenAIChatReply.ErrorOf(doc.RootElement) is { } error)
            {
                return error with { Message = $"HTTP {status}: {error.Message}" };
            }
        }
        catch (JsonException)
        {
            // not the API's error shape: the status says it all
        }

        return new ClientError($"http_{status}", $"HTTP {status}: {(body.Length > 200 ? body[..200] : body)}");
    }

    /// <summary>How long the next wait may take: <paramref name="limit"/>, cut to what is left of the total deadline; and the error if it runs out.</summary>
    private static TimeLimit Limit(RunHttp http, ClientRunContext context, TimeSpan limit, string type, string what)
    {
        var left = context.Timeouts.Total - http.Recorder.Now;
        return limit <= left
            ? new(limit, new ChatClientException(type, $"{what} within {limit.TotalMilliseconds:0} ms"))
            : new(left > TimeSpan.Zero ? left : TimeSpan.Zero, new ChatClientException("timeout_total", $"the answer took longer than {context.Timeouts.Total.TotalMilliseconds:0} ms"));
    }

    /// <summary>What ends a run with an error: a timeout, a refusal after the retries, a connection that failed.</summary>
    private sealed class ChatClientException(string type, string message) : Exception(message)
    {
        public string Type { get; } = type;
    }
}
