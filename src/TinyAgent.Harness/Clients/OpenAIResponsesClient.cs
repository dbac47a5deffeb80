using System.Net.ServerSentEvents;
using System.Text.Json;
using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Clients;

/// <summary>
/// Built-in client <c>openai-responses</c>: a Responses streaming client written as a careful engineer writes one, and
/// the default suite's client for the format. HttpClient with <c>ResponseHeadersRead</c> and
/// <see cref="SseParser"/> (which carries partial frames across reads); it reads until <c>response.completed</c> or
/// <c>response.incomplete</c> and reports the stop reason (<c>incomplete_details.reason</c>, else <c>status</c>),
/// surfaces <c>response.failed</c> and <c>event: error</c> with the API's error type, calls a stream without its end
/// <c>incomplete_stream</c>, and keeps an idle timeout that any bytes reset plus a total deadline (the run's
/// <see cref="RunTimeouts"/>). Errors before the body are retried as the OpenAI SDKs retry them (WIRE-OPENAI.md
/// "Retries"), with a short backoff of its own; on give-up it closes the connection at once.
/// </summary>
internal sealed class OpenAIResponsesClient(Func<HttpMessageHandler>? innerHandler = null) : IClientUnderTest
{
    public const string ClientName = "openai-responses";

    private const string RequestBody = """{"model":"gpt-4.1","input":"Hello","stream":true}""";

    /// <summary>The SDKs make 3 attempts: the first and 2 retries.</summary>
    private const int MaxRetries = 2;

    /// <summary>openai-node follows retry-after up to 60 s; longer (or negative) asks get the backoff instead.</summary>
    private static readonly TimeSpan s_maxRetryAfter = TimeSpan.FromSeconds(60);

    /// <summary>The first retry's backoff when the server asks for no wait, doubled per retry (the SDKs' 0.5-8 s would slow every suite).</summary>
    private static readonly TimeSpan s_backoff = TimeSpan.FromMilliseconds(50);

    public string Name => ClientName;

    public async Task<ClientResult> RunAsync(ClientRunContext context, CancellationToken cancellationToken)
    {
        var http = RunHttp.Create(context.Time, innerHandler);
        var reply = new OpenAIResponsesReply(context.Consumer.GiveUpAfterDeltas);
        using var total = new CancellationTokenSource(context.Timeouts.Total, context.Time);
        using var run = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, total.Token);
        bool body = false;
        try
        {
            var (response, refused) = await SendAsync(http, context, run.Token);
            if (response is null)
            {
                return reply.Result(http, ClientOutcome.Failed, refused);
            }

            body = true;
            return await ReadAsync(http, response, reply, context, run.Token, cancellationToken);
        }
        catch (OperationCanceledException) when (total.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return reply.Result(http, ClientOutcome.Failed, new ClientError("timeout_total", $"total timeout: the answer took longer than {context.Timeouts.Total.TotalMilliseconds:0} ms"));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return reply.Result(http, ClientOutcome.Failed, new ClientError("cancelled", "the run was cancelled"));
        }
        catch (ReadTimeoutException ex)
        {
            return reply.Result(http, ClientOutcome.Failed, new ClientError(ex.Type, ex.Message));
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            return reply.Result(http, ClientOutcome.Failed, body
                ? new ClientError("incomplete_stream", $"the connection broke before response.completed: {ex.Message}")
                : new ClientError("connection_error", ex.Message));
        }
        catch (JsonException ex)
        {
            return reply.Result(http, ClientOutcome.Failed, new ClientError("invalid_json", $"an event's data is not JSON: {ex.Message}"));
        }
        finally
        {
            http.Dispose(); // the run's end: every socket closes, as when a process exits
        }
    }

    /// <summary>The streaming response, or the error that refused it after the retries the SDKs would make.</summary>
    private async Task<(HttpResponseMessage? Response, ClientError? Error)> SendAsync(RunHttp http, ClientRunContext context, CancellationToken token)
    {
        var firstByte = new TimeLimit(context.Timeouts.FirstByte, new ReadTimeoutException("timeout_first_byte", $"no response within {context.Timeouts.FirstByte.TotalMilliseconds:0} ms"));
        for (int retries = 0; ; retries++)
        {
            using var request = StreamRequest.Create(context.BaseUrl, "/v1/responses", RequestBody, ("Authorization", "Bearer sk-harness-dummy"));
            var response = await firstByte.RunAsync(ct => http.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct), context.Time, token);
            if (response.IsSuccessStatusCode)
            {
                return (response, null);
            }

            using (response)
            {
                var error = Refusal((int)response.StatusCode, await response.Content.ReadAsStringAsync(token));
                if (RetryWait(response, retries, context.Time) is not TimeSpan wait)
                {
                    return (null, error);
                }

                await Task.Delay(wait, context.Time, token);
            }
        }
    }

    /// <summary>Reads events until the reply ends, fails, or the consumer gives up.</summary>
    private static async Task<ClientResult> ReadAsync(RunHttp http, HttpResponseMessage response, OpenAIResponsesReply reply, ClientRunContext context, CancellationToken token, CancellationToken runToken)
    {
        using (response)
        {
            var body = new ReadTimeoutStream(await response.Content.ReadAsStreamAsync(token), context.Timeouts.FirstByte, context.Timeouts.Idle, context.Time);
            await using (body)
            {
                await foreach (var item in SseParser.Create(body).EnumerateAsync(token))
                {
                    if (item.Data == "[DONE]")
                    {
                        continue; // a gateway's marker, not an event (WIRE-OPENAI.md "Framing")
                    }

                    using var doc = JsonDocument.Parse(item.Data);
                    var e = doc.RootElement;
                    string type = (e.ValueKind == JsonValueKind.Object ? OpenAIResponsesReply.Str(e, "type") : null) ?? item.EventType;
                    reply.Apply(type, e, http.Recorder.Now);
                    if (reply.Error is { } error)
                    {
                        return reply.Result(http, ClientOutcome.Failed, error);
                    }

                    if (reply.GaveUp)
                    {
                        // The user navigated away: close the connection now, then keep the "process" alive for the
                        // linger time so that a connection left open would be visible.
                        var gaveUpAt = http.Recorder.Now;
                        response.Dispose();
                        http.Dispose();
                        await Task.Delay(context.Linger, context.Time, runToken);
                        return reply.Result(http, ClientOutcome.GaveUp, null) with { GaveUpAt = gaveUpAt };
                    }

                    if (reply.Ended)
                    {
                        return reply.Result(http, ClientOutcome.Completed, null); // not waiting for the connection to close
                    }
                }
            }
        }

        return reply.Result(http, ClientOutcome.Failed, new ClientError("incomplete_stream", "the stream ended before response.completed"));
    }

    /// <summary>
    /// The SDKs' rule: retry 408, 409, 429 and 5xx (<c>x-should-retry</c> overrides) at most twice, waiting
    /// <c>retry-after-ms</c>, else <c>retry-after</c> (seconds or an HTTP date) when it is 0-60 s, else a backoff. Null: do not retry.
    /// </summary>
    internal static TimeSpan? RetryWait(HttpResponseMessage response, int retries, TimeProvider time) =>
        retries >= MaxRetries || !SdkRetry.Retries(response) ? null
        : SdkRetry.Asked(response, time) is { } wait && wait >= TimeSpan.Zero && wait <= s_maxRetryAfter ? wait
        : s_backoff * (1 << retries);

    /// <summary>The API's error JSON of a refused request: its type (else its code), and message.</summary>
    private static ClientError Refusal(int status, string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            if (OpenAIResponsesReply.Obj(doc.RootElement, "error") is { } error)
            {
                return new ClientError(OpenAIResponsesReply.Str(error, "type") ?? OpenAIResponsesReply.Str(error, "code") ?? $"http_{status}", OpenAIResponsesReply.Str(error, "message") ?? "");
            }
        }
        catch (JsonException)
        {
            // not the API's shape: the status speaks
        }

        return new ClientError($"http_{status}", body.Length > 200 ? body[..200] : body);
    }
}
