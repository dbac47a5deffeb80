using TinyAgent.Client;
using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Clients;

/// <summary>
/// Client under test <c>tinyagent</c>: TinyAgent.Client in process, through the run's read-instrumented
/// HttpClient, with Polly timeouts from harness.json and the client's own defaults otherwise: the reference model,
/// an idle timeout that any byte resets (a long pause carried by pings is a live stream) plus a total deadline (a
/// stream of nothing but pings still ends).
/// </summary>
internal sealed class TinyAgentClient(Func<HttpMessageHandler>? innerHandler = null) : IClientUnderTest
{
    public const string ClientName = "tinyagent";

    private static readonly MessageRequest Request = new()
    {
        Model = "claude-sonnet-4-5",
        MaxTokens = 1024,
        Messages = [new InputMessage("user", "Hello")],
    };

    public string Name => ClientName;

    public async Task<ClientResult> RunAsync(ClientRunContext context, CancellationToken cancellationToken)
    {
        var http = RunHttp.Create(context.Time, innerHandler);
        try
        {
            var options = new MessagesClientOptions
            {
                BaseUrl = context.BaseUrl,
                ApiKey = "sk-ant-harness-dummy",
                FirstByteTimeout = context.Timeouts.FirstByte,
                IdleTimeout = context.Timeouts.Idle,
                TotalTimeout = context.Timeouts.Total,
                RetryBaseDelay = TimeSpan.FromMilliseconds(20),
                RetryMaxDelay = TimeSpan.FromMilliseconds(200),
                TimeProvider = context.Time,
            };
            var client = new MessagesClient(http.Client, options);
            return await ConsumeAsync(client, http, context, cancellationToken);
        }
        finally
        {
            http.Dispose();
        }
    }

    private static async Task<ClientResult> ConsumeAsync(MessagesClient client, RunHttp http, ClientRunContext context, CancellationToken cancellationToken)
    {
        int? giveUpAfter = context.Consumer.GiveUpAfterDeltas;
        int deltas = 0;
        TimeSpan? firstText = null;
        var stream = client.Stream(Request, cancellationToken);
        try
        {
            await foreach (var e in stream.WithCancellation(cancellationToken))
            {
                if (e is not TextDeltaEvent)
                {
                    continue;
                }

                firstText ??= http.Recorder.Now;
                if (++deltas == giveUpAfter)
                {
                    // The user navigated away: leave the loop (disposing the stream closes the connection), then keep
                    // the "process" alive for the linger time so that a connection left open would be visible.
                    var gaveUpAt = http.Recorder.Now;
                    var partial = stream.Current;
                    await stream.DisposeAsync();
                    await Task.Delay(context.Linger, context.Time, cancellationToken);
                    return Result(http, ClientOutcome.GaveUp, partial, null, firstText) with { GaveUpAt = gaveUpAt };
                }
            }

            var message = await stream.GetFinalMessageAsync(cancellationToken);
            return Result(http, ClientOutcome.Completed, message, null, firstText);
        }
        catch (AnthropicException ex)
        {
            return Result(http, ClientOutcome.Failed, ex.PartialMessage ?? stream.Current, Describe(ex), firstText);
        }
        finally
        {
            await stream.DisposeAsync();
        }
    }

    private static ClientError Describe(AnthropicException ex) => ex switch
    {
        StreamErrorException s => new ClientError(s.ErrorType, s.ErrorMessage),
        ApiStatusException a => new ClientError(a.ErrorType ?? $"http_{(int)a.StatusCode}", a.Message),
        IncompleteStreamException i => new ClientError(i.Kind == IncompleteKind.Reset ? "incomplete_stream_reset" : "incomplete_stream_clean_close", i.Message),
        StreamTimeoutException t => new ClientError(t.Phase == TimeoutPhase.Idle ? "stalled" : $"timeout_{t.Phase.ToString().ToLowerInvariant()}", t.Message),
        _ => new ClientError(ex.GetType().Name, ex.Message),
    };

    private static ClientResult Result(RunHttp http, ClientOutcome outcome, Message? message, ClientError? error, TimeSpan? firstText)
    {
        var blocks = new Dictionary<int, string>();
        var tools = new Dictionary<int, string>();
        if (message is not null)
        {
            for (int i = 0; i < message.Content.Count; i++)
            {
                switch (message.Content[i])
                {
                    case TextBlock t:
                        blocks[i] = t.Text;
                        break;
                    case ToolUseBlock u:
                        tools[i] = u.InputJson;
                        break;
                    default:
                        break;
                }
            }
        }

        return http.Result(outcome, error, message?.Text ?? "", blocks, tools, message?.StopReason, firstText);
    }
}
