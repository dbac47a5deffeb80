using HarnessExamples;
using TinyAgent.Client;

// TinyAgent.Client behind the exec contract, with the settings the in-process `tinyagent` client uses
// (timeouts from the harness's optional hints, pings not counted as progress, short retry delays), so both
// ways of running it must get the same verdicts.
var baseUrl = new Uri((Environment.GetEnvironmentVariable("ANTHROPIC_BASE_URL") ?? "https://api.anthropic.com").TrimEnd('/') + "/");
var options = new MessagesClientOptions
{
    BaseUrl = baseUrl,
    ApiKey = Environment.GetEnvironmentVariable("ANTHROPIC_API_KEY") ?? "",
    FirstByteTimeout = HarnessContract.Timeout("FIRST_BYTE") ?? TimeSpan.FromSeconds(60),
    IdleTimeout = HarnessContract.Timeout("IDLE") ?? TimeSpan.FromSeconds(30),
    TotalTimeout = HarnessContract.Timeout("TOTAL") ?? TimeSpan.FromMinutes(10),
    RetryBaseDelay = TimeSpan.FromMilliseconds(20),
    RetryMaxDelay = TimeSpan.FromMilliseconds(200),
};
using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
var client = new MessagesClient(http, options);
var request = new MessageRequest
{
    Model = "claude-sonnet-4-5",
    MaxTokens = 1024,
    Messages = [new InputMessage("user", "Hello")],
};

int? cancelAfter = HarnessContract.CancelAfterDeltas;
int deltas = 0;
var stream = client.Stream(request);
try
{
    await foreach (var e in stream)
    {
        if (e is not TextDeltaEvent t)
        {
            continue;
        }

        Console.Write(t.Text);
        if (++deltas == cancelAfter)
        {
            // The user navigated away: disposing the stream closes the connection at once.
            string partial = stream.Current?.Text ?? "";
            await stream.DisposeAsync();
            HarnessContract.WriteResult(partial, null, null, null);
            await Task.Delay(HarnessContract.Linger);
            return 0;
        }
    }

    var message = await stream.GetFinalMessageAsync();
    HarnessContract.WriteResult(message.Text, message.StopReason, null, null);
    return 0;
}
catch (AnthropicException ex)
{
    string type = ex switch
    {
        StreamErrorException s => s.ErrorType,
        ApiStatusException a => a.ErrorType ?? $"http_{(int)a.StatusCode}",
        IncompleteStreamException i => i.Kind == IncompleteKind.Reset ? "incomplete_stream_reset" : "incomplete_stream_clean_close",
        StreamTimeoutException s => s.Phase == TimeoutPhase.Idle ? "stalled" : $"timeout_{s.Phase.ToString().ToLowerInvariant()}",
        _ => ex.GetType().Name,
    };
    var partial = ex.PartialMessage ?? stream.Current;
    HarnessContract.WriteResult(partial?.Text ?? "", partial?.StopReason, type, ex.Message);
    Console.Error.WriteLine(ex.Message);
    return 1;
}
finally
{
    await stream.DisposeAsync();
}
