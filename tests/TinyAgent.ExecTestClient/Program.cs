// A tiny client for the exec contract's tests. HARNESS_TEST_MODE says how to behave:
//   good        stream the answer, honour HARNESS_CANCEL_AFTER_DELTAS (abort, linger), write the result, exit 0
//   ghost       like good, but on give-up stops reading without aborting, lingers, exits 0
//   crash       exit 3 without writing the result file
//   malformed   write a result file that is not JSON, exit 0
//   never-exit  write its PID to HARNESS_TEST_PID_FILE, then wait forever
using System.Globalization;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;

string mode = Environment.GetEnvironmentVariable("HARNESS_TEST_MODE") ?? "good";
string resultFile = Environment.GetEnvironmentVariable("HARNESS_RESULT_FILE") ?? throw new InvalidOperationException("HARNESS_RESULT_FILE is not set");
switch (mode)
{
    case "crash":
        Console.Error.WriteLine("test client: crashing on purpose");
        return 3;
    case "malformed":
        File.WriteAllText(resultFile, "{\"text\": \"unterminated");
        return 0;
    case "never-exit":
        if (Environment.GetEnvironmentVariable("HARNESS_TEST_PID_FILE") is string pidFile)
        {
            // Written then renamed, so a watcher never sees it half-written.
            File.WriteAllText(pidFile + ".tmp", Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
            File.Move(pidFile + ".tmp", pidFile);
        }

        Console.WriteLine("test client: never exiting");
        await Task.Delay(Timeout.Infinite);
        return 0;
    default:
        break;
}

int? cancelAfter = int.TryParse(Environment.GetEnvironmentVariable("HARNESS_CANCEL_AFTER_DELTAS"), CultureInfo.InvariantCulture, out int n) ? n : null;
int linger = int.TryParse(Environment.GetEnvironmentVariable("HARNESS_LINGER_MS"), CultureInfo.InvariantCulture, out int l) ? l : 0;
string baseUrl = Environment.GetEnvironmentVariable("ANTHROPIC_BASE_URL") ?? throw new InvalidOperationException("ANTHROPIC_BASE_URL is not set");

// No drain on dispose: disposing an unfinished response closes its connection at once.
using var http = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0 }) { Timeout = Timeout.InfiniteTimeSpan };
using var cts = new CancellationTokenSource();
using var request = new HttpRequestMessage(HttpMethod.Post, baseUrl + "/v1/messages")
{
    Content = new StringContent("""{"model":"m","max_tokens":64,"stream":true,"messages":[{"role":"user","content":"hi"}]}""", Encoding.UTF8, "application/json"),
};
request.Headers.Add("x-api-key", Environment.GetEnvironmentVariable("ANTHROPIC_API_KEY"));
var text = new StringBuilder();
string? stopReason = null;
object? error = null;
int deltas = 0;
var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
var body = await response.Content.ReadAsStreamAsync(cts.Token);
try
{
    await foreach (var item in SseParser.Create(body).EnumerateAsync(cts.Token))
    {
        using var doc = JsonDocument.Parse(item.Data);
        var root = doc.RootElement;
        switch (root.GetProperty("type").GetString())
        {
            case "content_block_delta" when root.GetProperty("delta").GetProperty("type").GetString() == "text_delta":
                text.Append(root.GetProperty("delta").GetProperty("text").GetString());
                deltas++;
                break;
            case "message_delta":
                stopReason = root.GetProperty("delta").GetProperty("stop_reason").GetString();
                break;
            case "error":
                error = new { type = root.GetProperty("error").GetProperty("type").GetString(), message = root.GetProperty("error").GetProperty("message").GetString() };
                break;
            default:
                break;
        }

        if (deltas == cancelAfter)
        {
            if (mode != "ghost")
            {
                await cts.CancelAsync(); // abort the connection, the way an AbortController would
                response.Dispose();
            }

            break;
        }
    }
}
catch (OperationCanceledException)
{
}

File.WriteAllText(resultFile, JsonSerializer.Serialize(new { text = text.ToString(), stop_reason = stopReason, error }));
if (cancelAfter is not null)
{
    await Task.Delay(linger); // the process stays alive: a forgotten connection stays visible
}

GC.KeepAlive(response);
return error is null ? 0 : 1;
