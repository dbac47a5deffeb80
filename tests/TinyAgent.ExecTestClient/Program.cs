using System.Globalization;
using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using HarnessExamples;

// Usage: TinyAgent.ExecTestClient [mode]   (or HARNESS_TEST_MODE=mode; default good)
//   good        buffered SSE parsing, surfaces error events and missing message_stop, reads stop_reason,
//               idle timeout from HARNESS_IDLE_TIMEOUT_MS, closes the connection on give-up
//   split       decodes and splits each read on its own (split-packet bug)
//   truncation  ignores error events and the missing message_stop, exits 0 (silent-truncation bug)
//   ghost       on give-up stops reading but keeps the connection open while it lingers (ghost-stream bug)
//   stall       no idle timeout: waits on a stalled stream until killed (stall bug)
//   crash       exits with code 3 without writing the result file
//   malformed   writes a result file that is not JSON and exits 0
//   never-exit  writes its PID to HARNESS_TEST_PID_FILE (if set), then ignores everything and never exits
string mode = args.Length > 0 ? args[0] : Environment.GetEnvironmentVariable("HARNESS_TEST_MODE") ?? "good";
switch (mode)
{
    case "crash":
        Console.Error.WriteLine("test client: crashing on purpose");
        return 3;
    case "malformed":
        File.WriteAllText(Environment.GetEnvironmentVariable("HARNESS_RESULT_FILE")!, "{\"text\": \"Hel");
        return 0;
    case "never-exit":
        if (Environment.GetEnvironmentVariable("HARNESS_TEST_PID_FILE") is string pidFile)
        {
            // Written then renamed, so a watcher never sees it half-written.
            File.WriteAllText(pidFile + ".tmp", Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
            File.Move(pidFile + ".tmp", pidFile);
        }

        Console.WriteLine("test client: never exiting");
        Thread.Sleep(Timeout.Infinite);
        return 0;
    case "good" or "split" or "truncation" or "ghost" or "stall":
        return await new Loop(mode).RunAsync();
    default:
        Console.Error.WriteLine($"unknown mode '{mode}'");
        return 2;
}

internal sealed class Loop(string mode)
{
    private readonly StringBuilder _text = new();
    private string? _stopReason;
    private bool _sawStop;
    private int _deltas;

    public async Task<int> RunAsync()
    {
        // No drain on dispose: disposing an unfinished response closes its connection at once.
        using var http = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0 }) { Timeout = Timeout.InfiniteTimeSpan };
        var baseUrl = Environment.GetEnvironmentVariable("ANTHROPIC_BASE_URL")!.TrimEnd('/');
        using var request = new HttpRequestMessage(HttpMethod.Post, baseUrl + "/v1/messages")
        {
            Content = new StringContent(
                """{"model":"claude-sonnet-4-5","max_tokens":1024,"stream":true,"messages":[{"role":"user","content":"Hello"}]}""",
                Encoding.UTF8,
                "application/json"),
        };
        request.Headers.Add("x-api-key", Environment.GetEnvironmentVariable("ANTHROPIC_API_KEY"));
        request.Headers.Add("anthropic-version", "2023-06-01");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        try
        {
            var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            if (!response.IsSuccessStatusCode)
            {
                return Fail($"http_{(int)response.StatusCode}", await response.Content.ReadAsStringAsync());
            }

            var body = await response.Content.ReadAsStreamAsync();
            using var idle = new CancellationTokenSource();
            var events = mode == "split" ? SplitPerRead(body, idle) : Parse(body, mode == "stall" ? null : idle);
            await foreach (string data in events.WithCancellation(idle.Token))
            {
                if (Handle(data) is { } error)
                {
                    response.Dispose();
                    return Fail(error.Type, error.Message);
                }

                if (_deltas == HarnessContract.CancelAfterDeltas)
                {
                    if (mode != "ghost")
                    {
                        response.Dispose();
                    }

                    HarnessContract.WriteResult(_text.ToString(), null, null, null);
                    await Task.Delay(HarnessContract.Linger);
                    GC.KeepAlive(response);
                    return 0;
                }

                if (mode != "stall")
                {
                    idle.CancelAfter(HarnessContract.Timeout("IDLE") ?? TimeSpan.FromSeconds(30));
                }
            }

            if (!_sawStop && mode != "truncation")
            {
                return Fail("incomplete_stream", "the stream ended before message_stop");
            }

            HarnessContract.WriteResult(_text.ToString(), _stopReason, null, null);
            return 0;
        }
        catch (OperationCanceledException)
        {
            return Fail("stalled", "no event within the idle timeout");
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or JsonException)
        {
            return Fail(ex.GetType().Name, ex.Message);
        }
    }

    private static async IAsyncEnumerable<string> Parse(Stream body, CancellationTokenSource? timeouts, [EnumeratorCancellation] CancellationToken token = default)
    {
        timeouts?.CancelAfter(HarnessContract.Timeout("FIRST_BYTE") ?? TimeSpan.FromSeconds(60));
        await foreach (var item in SseParser.Create(body).EnumerateAsync(token))
        {
            yield return item.Data;
        }
    }

    /// <summary>The split-packet bug: every read decoded and split on blank lines by itself.</summary>
    private static async IAsyncEnumerable<string> SplitPerRead(Stream body, CancellationTokenSource timeouts, [EnumeratorCancellation] CancellationToken token = default)
    {
        timeouts.CancelAfter(HarnessContract.Timeout("FIRST_BYTE") ?? TimeSpan.FromSeconds(60));
        var buffer = new byte[8192];
        int n;
        while ((n = await body.ReadAsync(buffer, token)) > 0)
        {
            foreach (string frame in Encoding.UTF8.GetString(buffer, 0, n).Replace("\r\n", "\n").Split("\n\n"))
            {
                foreach (string line in frame.Split('\n'))
                {
                    if (line.StartsWith("data:", StringComparison.Ordinal))
                    {
                        yield return line[5..].TrimStart();
                    }
                }
            }
        }
    }

    private (string Type, string Message)? Handle(string data)
    {
        if (data.Length == 0)
        {
            return null;
        }

        using var doc = JsonDocument.Parse(data);
        var root = doc.RootElement;
        switch (root.GetProperty("type").GetString())
        {
            case "content_block_delta" when root.GetProperty("delta").GetProperty("type").GetString() == "text_delta":
                string text = root.GetProperty("delta").GetProperty("text").GetString() ?? "";
                Console.Write(text);
                _text.Append(text);
                _deltas++;
                break;
            case "message_delta" when root.GetProperty("delta").TryGetProperty("stop_reason", out var reason):
                _stopReason = reason.GetString();
                break;
            case "message_stop":
                _sawStop = true;
                break;
            case "error" when mode != "truncation":
                var error = root.GetProperty("error");
                return (error.GetProperty("type").GetString() ?? "error", error.GetProperty("message").GetString() ?? "");
            default:
                break;
        }

        return null;
    }

    private int Fail(string type, string message)
    {
        HarnessContract.WriteResult(_text.ToString(), _stopReason, type, message);
        Console.Error.WriteLine($"{type}: {message}");
        return 1;
    }
}
