using System.Text;
using Anthropic;
using Anthropic.Models.Messages;
using HarnessExamples;

// A typical user of the official .NET SDK: the client reads ANTHROPIC_API_KEY and ANTHROPIC_BASE_URL from the
// environment, CreateStreaming is enumerated with await foreach, text deltas are printed as they come, and
// stop_reason is taken from message_delta. Giving up is a `break` out of the loop, which disposes the enumerator.
var client = new AnthropicClient();
MessageCreateParams parameters = new()
{
    MaxTokens = 1024,
    Messages = [new UserMessageParam { Content = "Hello" }],
    Model = "claude-sonnet-4-5",
};

int? cancelAfter = HarnessContract.CancelAfterDeltas;
var text = new StringBuilder();
string? stopReason = null;
int deltas = 0;
bool gaveUp = false;
try
{
    await foreach (RawMessageStreamEvent e in client.Messages.CreateStreaming(parameters))
    {
        if (e.TryPickContentBlockDelta(out var delta) && delta.Delta.TryPickText(out var t))
        {
            Console.Write(t.Text);
            text.Append(t.Text);
            if (++deltas == cancelAfter)
            {
                gaveUp = true;
                break;
            }
        }
        else if (e.TryPickDelta(out var messageDelta) && messageDelta.Delta.StopReason is { } reason)
        {
            stopReason = reason.Raw();
        }
    }
}
catch (Exception ex)
{
    HarnessContract.WriteResult(text.ToString(), stopReason, ex.GetType().Name, ex.Message);
    Console.Error.WriteLine(ex.Message);
    return 1;
}

HarnessContract.WriteResult(text.ToString(), stopReason, null, null);
if (gaveUp)
{
    await Task.Delay(HarnessContract.Linger);
}

return 0;
