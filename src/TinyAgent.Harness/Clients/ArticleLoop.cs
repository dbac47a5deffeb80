using System.Text.Json;
using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Clients;

/// <summary>
/// The article's streaming loop over a raw HttpClient, with its fixes: POST with <c>"stream": true</c>, read the
/// body with ResponseHeadersRead in a loop, decode, split on blank lines, parse each <c>data:</c> line as JSON.
/// It is the tests' control; each specimen overrides the one hook where its mistake goes: how reads become
/// messages (<see cref="NewFraming"/>), how the ending is read (<see cref="OnEnding"/>, <see cref="CheckEnded"/>),
/// how it leaves on give-up (<see cref="LeaveAsync"/>), and the run itself (<see cref="RunAsync"/>).
/// </summary>
internal class ArticleLoop(Func<HttpMessageHandler>? innerHandler = null)
{
    private const string RequestBody =
        """{"model":"claude-sonnet-4-5","max_tokens":1024,"stream":true,"messages":[{"role":"user","content":"Hello"}]}""";

    public virtual async Task<ClientResult> RunAsync(ClientRunContext context, CancellationToken cancellationToken)
    {
        var http = CreateHttp(context);
        var result = await ReadAsync(http, context, cancellationToken);
        http.Dispose(); // the run's end: every socket closes, as when a process exits
        return result;
    }

    protected RunHttp CreateHttp(ClientRunContext context) => RunHttp.Create(context.Time, innerHandler);

    /// <summary>The whole exchange; never throws: the article's loop catches nothing, so whatever throws is the run's error.</summary>
    protected async Task<ClientResult> ReadAsync(RunHttp http, ClientRunContext context, CancellationToken token)
    {
        var state = new ArticleLoopState(context.Consumer.GiveUpAfterDeltas);
        try
        {
            return await ExchangeAsync(http, state, context, token);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return state.Result(http, ClientOutcome.Failed, new ClientError(ex.GetType().Name, ex.Message));
        }
    }

    /// <summary>How reads become messages; the fix carries the unfinished piece to the next read (<c>pop()</c>).</summary>
    protected virtual ArticleFraming NewFraming() => new CarriedBufferFraming();

    /// <summary>
    /// Handles <c>message_delta</c>, <c>message_stop</c> and <c>error</c>: the events that say how the stream ended.
    /// The fix reads <c>stop_reason</c>, notes <c>message_stop</c> and stops with the error an error event carries.
    /// </summary>
    protected virtual void OnEnding(string type, JsonElement root, ArticleLoopState state)
    {
        switch (type)
        {
            case "message_delta":
                if (root.GetProperty("delta").TryGetProperty("stop_reason", out var sr) && sr.ValueKind == JsonValueKind.String)
                {
                    state.StopReason = sr.GetString();
                }

                break;
            case "message_stop":
                state.SawMessageStop = true;
                break;
            default:
                var error = root.GetProperty("error");
                state.Error = new ClientError(
                    error.TryGetProperty("type", out var et) ? et.GetString() ?? "error" : "error",
                    error.TryGetProperty("message", out var em) ? em.GetString() ?? "" : "");
                break;
        }
    }

    /// <summary>When the body ends with no error: the fix requires <c>message_stop</c> (else the stream was cut).</summary>
    protected virtual ClientError? CheckEnded(ArticleLoopState state) =>
        state.SawMessageStop ? null : new ClientError("incomplete_stream", "the stream ended before message_stop");

    /// <summary>On give-up: the AbortController fix closes the connection now (disposing the response alone would drain it).</summary>
    protected virtual Task LeaveAsync(RunHttp http, HttpResponseMessage response, ClientRunContext context, CancellationToken token)
    {
        response.Dispose();
        http.Dispose();
        return Task.CompletedTask;
    }

    private async Task<ClientResult> ExchangeAsync(RunHttp http, ArticleLoopState state, ClientRunContext context, CancellationToken token)
    {
        HttpResponseMessage response;
        for (int attempt = 1; ; attempt++)
        {
            using var request = StreamRequest.Create(context.BaseUrl, "/v1/messages", RequestBody, ("x-api-key", "sk-harness-dummy"), ("anthropic-version", "2023-06-01"));
            response = await http.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token);
            if (response.IsSuccessStatusCode)
            {
                break;
            }

            string body = await response.Content.ReadAsStringAsync(token);
            var wait = RetryWait(response, attempt, context.Time);
            response.Dispose();
            if (wait is null)
            {
                return state.Result(http, ClientOutcome.Failed, ApiError((int)response.StatusCode, body));
            }

            await Task.Delay(wait.Value, context.Time, token);
        }

        var stream = new ReadTimeoutStream(await response.Content.ReadAsStreamAsync(token), hasBytes => ReadLimit(hasBytes, http, context), context.Time);
        var framing = NewFraming();
        var buffer = new byte[8192];
        while (true)
        {
            int n = await stream.ReadAsync(buffer, token);
            if (n == 0)
            {
                break;
            }

            foreach (string message in framing.Read(buffer.AsSpan(0, n)))
            {
                Handle(message, state, http.Recorder.Now);
                if (state.Error is not null)
                {
                    response.Dispose();
                    return state.Result(http, ClientOutcome.Failed, state.Error);
                }

                if (state.GaveUp)
                {
                    var gaveUpAt = http.Recorder.Now;
                    await LeaveAsync(http, response, context, token);
                    return state.Result(http, ClientOutcome.GaveUp, null) with { GaveUpAt = gaveUpAt };
                }

                if (state.Ended)
                {
                    break;
                }
            }

            if (state.Ended)
            {
                break;
            }
        }

        foreach (string message in framing.End())
        {
            Handle(message, state, http.Recorder.Now);
        }

        response.Dispose();
        var error = state.Error ?? CheckEnded(state);
        return state.Result(http, error is null ? ClientOutcome.Completed : ClientOutcome.Failed, error);
    }

    /// <summary>
    /// The specimens' one correct safeguard beyond the article, the reference model's: an idle timeout that any byte
    /// resets (so keepalives keep a live stream alive through a long pause) plus a total deadline (so a stream of
    /// nothing but keepalives still ends). Specimens are thus not flagged for stalls.
    /// </summary>
    private static TimeLimit ReadLimit(bool hasBytes, RunHttp http, ClientRunContext context)
    {
        // Only time spent waiting on the network counts toward idle, as in TinyAgent.Client: a starved CPU is not a stalled server.
        var idle = hasBytes ? context.Timeouts.Idle : context.Timeouts.FirstByte;
        var left = context.Timeouts.Total - http.Recorder.Now;
        var total = new TimeoutException($"total timeout: the answer took longer than {context.Timeouts.Total.TotalMilliseconds:0} ms");
        return left <= TimeSpan.Zero ? throw total
            : idle <= left ? new(idle, new TimeoutException($"stalled: no bytes for {idle.TotalMilliseconds:0} ms"))
            : new(left, total);
    }

    /// <summary>One message (the text between blank lines): its <c>data:</c> lines joined, parsed, accumulated.</summary>
    private void Handle(string message, ArticleLoopState state, TimeSpan now)
    {
        string? data = null;
        foreach (string line in message.Split('\n'))
        {
            if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                string value = line.StartsWith("data: ", StringComparison.Ordinal) ? line[6..] : line[5..];
                data = data is null ? value : data + "\n" + value;
            }
        }

        if (data is null)
        {
            return; // comments, pings without data, and (with no carried buffer) the tails of cut frames
        }

        using var doc = JsonDocument.Parse(data); // throws on half a frame, like JSON.parse
        var root = doc.RootElement;
        string? type = root.TryGetProperty("type", out var t) ? t.GetString() : null;
        switch (type)
        {
            case "content_block_start":
                state.StartBlock(root.GetProperty("index").GetInt32(), root.GetProperty("content_block"));
                break;
            case "content_block_delta":
                state.AddDelta(root.GetProperty("index").GetInt32(), root.GetProperty("delta"), now);
                break;
            case "message_delta" or "message_stop" or "error":
                OnEnding(type, root, state);
                break;
            default:
                break; // ping, content_block_stop, unknown types
        }

        // The answer is over at message_stop whatever the body does next (a gateway's [DONE], a connection kept open).
        state.Ended |= type == "message_stop";
    }

    /// <summary>
    /// The SDKs' retry rule, the loop's fix for errors before the stream: retry 408, 409, 429 and 5xx (x-should-retry
    /// overrides) at most twice, waiting retry-after-ms, else retry-after (seconds or an HTTP date), else a short backoff.
    /// Null: do not retry.
    /// </summary>
    internal static TimeSpan? RetryWait(HttpResponseMessage response, int attempt, TimeProvider time) =>
        attempt > 2 || !SdkRetry.Retries(response) ? null
        : SdkRetry.Asked(response, time) is { } asked ? (asked > TimeSpan.Zero ? asked : TimeSpan.Zero)
        : TimeSpan.FromMilliseconds(100 * attempt);

    private static ClientError ApiError(int status, string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var error = doc.RootElement.GetProperty("error");
            return new ClientError(error.GetProperty("type").GetString() ?? $"http_{status}", error.GetProperty("message").GetString() ?? "");
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return new ClientError($"http_{status}", body.Length > 200 ? body[..200] : body);
        }
    }
}
