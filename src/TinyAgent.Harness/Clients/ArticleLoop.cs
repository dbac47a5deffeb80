using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Clients;

/// <summary>The one mistake a specimen makes; <see cref="None"/> is the article's loop with its fixes.</summary>
internal enum ArticleMistake
{
    /// <summary>Buffers, checks errors and <c>message_stop</c>, reads <c>stop_reason</c>, aborts on give-up.</summary>
    None,

    /// <summary>Decodes and splits each read on its own: no carried buffer (the JS loop without <c>pop()</c>).</summary>
    NoCarriedBuffer,

    /// <summary>Ignores <c>error</c> events, never checks for <c>message_stop</c>, never reads <c>stop_reason</c>.</summary>
    IgnoresErrorsAndEnd,

    /// <summary>On give-up stops reading and returns, never aborting or disposing the response.</summary>
    NeverAbortsOnGiveUp,

    /// <summary>Ignores cancellation and never returns.</summary>
    IgnoresCancellation,
}

/// <summary>
/// The article's streaming loop over a raw HttpClient: POST with <c>"stream": true</c>, read the body with
/// ResponseHeadersRead in a loop, decode, split on blank lines, parse each <c>data:</c> line as JSON.
/// Each specimen runs it with exactly one <see cref="ArticleMistake"/>.
/// </summary>
internal sealed class ArticleLoop(ArticleMistake mistake, Func<HttpMessageHandler>? innerHandler = null)
{
    private const string RequestBody =
        """{"model":"claude-sonnet-4-5","max_tokens":1024,"stream":true,"messages":[{"role":"user","content":"Hello"}]}""";

    public async Task<ClientResult> RunAsync(ClientRunContext context, CancellationToken cancellationToken)
    {
        // The hang specimen never passes the deadline's token on: nothing it awaits can be cancelled.
        var token = mistake == ArticleMistake.IgnoresCancellation ? CancellationToken.None : cancellationToken;
        var http = RunHttp.Create(context.Time, innerHandler);
        var state = new LoopState(mistake, context.Consumer.GiveUpAfterDeltas);
        ClientResult result;
        try
        {
            result = await ReadAsync(http, state, context, token);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The article's loop catches nothing: whatever throws reaches the caller as an error.
            result = state.Result(http, ClientOutcome.Failed, new ClientError(ex.GetType().Name, ex.Message));
        }

        if (mistake == ArticleMistake.IgnoresCancellation)
        {
            await new TaskCompletionSource().Task; // never returns; the harness must abandon it
        }

        http.Dispose(); // the run's end: every socket closes, as when a process exits
        return result;
    }

    private async Task<ClientResult> ReadAsync(RunHttp http, LoopState state, ClientRunContext context, CancellationToken token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(context.BaseUrl.ToString().TrimEnd('/') + "/v1/messages"))
        {
            Content = new StringContent(RequestBody, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-api-key", "sk-harness-dummy");
        request.Headers.Add("anthropic-version", "2023-06-01");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));

        var response = await http.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token);
        if (!response.IsSuccessStatusCode)
        {
            string body = await response.Content.ReadAsStringAsync(token);
            response.Dispose();
            return state.Result(http, ClientOutcome.Failed, ApiError((int)response.StatusCode, body));
        }

        var stream = await response.Content.ReadAsStreamAsync(token);
        var decoder = new UTF8Encoding(false).GetDecoder();
        var buffer = new byte[8192];
        var chars = new char[Encoding.UTF8.GetMaxCharCount(buffer.Length)];
        string carried = "";
        while (true)
        {
            int n = await ReadWithIdleTimeoutAsync(stream, buffer, state, http, context, token);
            if (n == 0)
            {
                break;
            }

            string[] messages;
            if (mistake == ArticleMistake.NoCarriedBuffer)
            {
                // The mistake: each read decoded and split on its own, the last piece parsed as if complete.
                messages = Normalize(Encoding.UTF8.GetString(buffer, 0, n)).Split("\n\n");
            }
            else
            {
                int c = decoder.GetChars(buffer, 0, n, chars, 0, flush: false);
                string text = carried + new string(chars, 0, c);
                bool heldCr = text.EndsWith('\r'); // its LF may start the next read
                messages = Normalize(heldCr ? text[..^1] : text).Split("\n\n");
                carried = messages[^1] + (heldCr ? "\r" : "");
                messages = messages[..^1];
            }

            foreach (string message in messages)
            {
                state.Handle(message, http.Recorder.Now);
                if (state.Error is not null)
                {
                    response.Dispose();
                    return state.Result(http, ClientOutcome.Failed, state.Error);
                }

                if (state.GaveUp)
                {
                    return await GiveUpAsync(http, response, state, context, token);
                }
            }
        }

        // A CR held back at the end of the last read was a line ending after all.
        if (carried.EndsWith('\r') && mistake != ArticleMistake.NoCarriedBuffer)
        {
            foreach (string message in Normalize(carried).Split("\n\n")[..^1])
            {
                state.Handle(message, http.Recorder.Now);
            }
        }

        response.Dispose();
        if (state.Error is not null)
        {
            return state.Result(http, ClientOutcome.Failed, state.Error);
        }

        if (mistake != ArticleMistake.IgnoresErrorsAndEnd && !state.SawMessageStop)
        {
            return state.Result(http, ClientOutcome.Failed, new ClientError("incomplete_stream", "the stream ended before message_stop"));
        }

        return state.Result(http, ClientOutcome.Completed, null);
    }

    /// <summary>
    /// The specimens' one correct safeguard beyond the article: a read that brings no content event for the idle
    /// timeout (pings and comments do not count) fails with a timeout, so specimens are not flagged for stalls.
    /// </summary>
    private static async Task<int> ReadWithIdleTimeoutAsync(Stream stream, byte[] buffer, LoopState state, RunHttp http, ClientRunContext context, CancellationToken token)
    {
        // Only time spent waiting on the network counts, as in TinyAgent.Client: a starved CPU is not a stalled server.
        var limit = state.HasProgress ? context.Timeouts.Idle : context.Timeouts.FirstByte;
        var remaining = limit - state.WaitedSinceProgress;
        if (remaining <= TimeSpan.Zero)
        {
            throw new TimeoutException($"stalled: no content for {limit.TotalMilliseconds:0} ms");
        }

        using var idle = new CancellationTokenSource(remaining, context.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(token, idle.Token);
        var before = http.Recorder.Now;
        try
        {
            return await stream.ReadAsync(buffer, linked.Token);
        }
        catch (OperationCanceledException) when (idle.IsCancellationRequested && !token.IsCancellationRequested)
        {
            throw new TimeoutException($"stalled: no content for {limit.TotalMilliseconds:0} ms");
        }
        finally
        {
            state.WaitedSinceProgress += http.Recorder.Now - before;
        }
    }

    private async Task<ClientResult> GiveUpAsync(RunHttp http, HttpResponseMessage response, LoopState state, ClientRunContext context, CancellationToken token)
    {
        var gaveUpAt = http.Recorder.Now;
        if (mistake == ArticleMistake.NeverAbortsOnGiveUp)
        {
            // The mistake: stop reading and move on. The response is never aborted or disposed; the connection
            // keeps streaming for as long as the process (here: the run) lives.
            GC.KeepAlive(response);
            await Task.Delay(context.Linger, context.Time, token);
        }
        else
        {
            // The AbortController fix: close the connection now (disposing the response alone would drain it).
            response.Dispose();
            http.Dispose();
        }

        return state.Result(http, ClientOutcome.GaveUp, null) with { GaveUpAt = gaveUpAt };
    }

    private static string Normalize(string s) => s.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');

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

    /// <summary>What the loop has accumulated so far.</summary>
    private sealed class LoopState(ArticleMistake mistake, int? giveUpAfter)
    {
        private readonly StringBuilder _text = new();
        private readonly SortedDictionary<int, StringBuilder> _blocks = [];
        private readonly SortedDictionary<int, StringBuilder> _tools = [];
        private int _deltas;
        private string? _stopReason;
        private TimeSpan? _firstTextAt;

        public bool SawMessageStop { get; private set; }
        public bool GaveUp { get; private set; }
        public ClientError? Error { get; private set; }

        /// <summary>Whether a content event (anything but a ping) was parsed yet.</summary>
        public bool HasProgress { get; private set; }

        /// <summary>Time spent waiting in reads since the last content event.</summary>
        public TimeSpan WaitedSinceProgress { get; set; }

        public void Handle(string message, TimeSpan now)
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
                return; // comments, pings without data, and (for the no-buffer mistake) the tails of cut frames
            }

            using var doc = JsonDocument.Parse(data); // throws on half a frame, like JSON.parse
            var root = doc.RootElement;
            string? type = root.TryGetProperty("type", out var t) ? t.GetString() : null;
            if (type != "ping")
            {
                HasProgress = true;
                WaitedSinceProgress = TimeSpan.Zero;
            }

            switch (type)
            {
                case "content_block_start":
                    {
                        var block = root.GetProperty("content_block");
                        int index = root.GetProperty("index").GetInt32();
                        string? blockType = block.GetProperty("type").GetString();
                        if (blockType == "text")
                        {
                            _blocks[index] = new StringBuilder(block.TryGetProperty("text", out var initial) ? initial.GetString() : "");
                        }
                        else if (blockType == "tool_use")
                        {
                            _tools[index] = new StringBuilder();
                        }

                        break;
                    }

                case "content_block_delta":
                    {
                        int index = root.GetProperty("index").GetInt32();
                        var delta = root.GetProperty("delta");
                        switch (delta.GetProperty("type").GetString())
                        {
                            case "text_delta":
                                string text = delta.GetProperty("text").GetString() ?? "";
                                _text.Append(text);
                                (_blocks.TryGetValue(index, out var sb) ? sb : _blocks[index] = new StringBuilder()).Append(text);
                                _firstTextAt ??= now;
                                GaveUp = ++_deltas == giveUpAfter;
                                break;
                            case "input_json_delta":
                                (_tools.TryGetValue(index, out var tb) ? tb : _tools[index] = new StringBuilder())
                                    .Append(delta.GetProperty("partial_json").GetString());
                                break;
                            default:
                                break;
                        }

                        break;
                    }

                case "message_delta" when mistake != ArticleMistake.IgnoresErrorsAndEnd:
                    if (root.GetProperty("delta").TryGetProperty("stop_reason", out var sr) && sr.ValueKind == JsonValueKind.String)
                    {
                        _stopReason = sr.GetString();
                    }

                    break;
                case "message_stop":
                    SawMessageStop = true;
                    break;
                case "error" when mistake != ArticleMistake.IgnoresErrorsAndEnd:
                    var error = root.GetProperty("error");
                    Error = new ClientError(
                        error.TryGetProperty("type", out var et) ? et.GetString() ?? "error" : "error",
                        error.TryGetProperty("message", out var em) ? em.GetString() ?? "" : "");
                    break;
                default:
                    break; // ping, content_block_stop, unknown types; and for the truncation mistake, error events
            }
        }

        public ClientResult Result(RunHttp http, ClientOutcome outcome, ClientError? error) => new()
        {
            Outcome = outcome,
            Text = _text.ToString(),
            BlockTexts = _blocks.ToDictionary(kv => kv.Key, kv => kv.Value.ToString()),
            ToolInputs = _tools.ToDictionary(kv => kv.Key, kv => kv.Value.ToString()),
            StopReason = _stopReason,
            Error = error,
            Reads = http.Recorder.Reads,
            FirstByteAt = http.Recorder.FirstByteAt,
            FirstTextAt = _firstTextAt,
            EndedAt = http.Recorder.Now,
            StartedTimestamp = http.StartedTimestamp,
        };
    }
}
