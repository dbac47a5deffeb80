using System.ClientModel;
using System.Text;
using HarnessExamples;
using OpenAI;
using OpenAI.Chat;

// A typical user of the official OpenAI .NET SDK, as its README shows: a ChatClient, CompleteChatStreamingAsync
// enumerated with await foreach, each update's ContentUpdate text printed as it comes; as a careful user it also keeps
// the update's FinishReason. The endpoint is OPENAI_BASE_URL (the SDK's default endpoint ends in /v1 too).
// Giving up is a `break` out of the loop, which disposes the enumerator.
var options = new OpenAIClientOptions { Endpoint = new Uri(Environment.GetEnvironmentVariable("OPENAI_BASE_URL")!) };
var client = new ChatClient("gpt-4o", new ApiKeyCredential(Environment.GetEnvironmentVariable("OPENAI_API_KEY")!), options);

int? cancelAfter = HarnessContract.CancelAfterDeltas;
var text = new StringBuilder();
string? finishReason = null;
int deltas = 0;
bool gaveUp = false;
try
{
    await foreach (StreamingChatCompletionUpdate update in client.CompleteChatStreamingAsync("Hello"))
    {
        foreach (ChatMessageContentPart part in update.ContentUpdate)
        {
            Console.Write(part.Text);
            text.Append(part.Text);
        }

        if (update.FinishReason is { } reason)
        {
            finishReason = reason.ToString();
        }

        if (update.ContentUpdate.Count > 0 && ++deltas == cancelAfter)
        {
            gaveUp = true;
            break;
        }
    }
}
catch (Exception ex)
{
    HarnessContract.WriteResult(text.ToString(), finishReason, ex.GetType().Name, ex.Message);
    Console.Error.WriteLine(ex.Message);
    return 1;
}

HarnessContract.WriteResult(text.ToString(), gaveUp ? null : finishReason, null, null);
if (gaveUp)
{
    await Task.Delay(HarnessContract.Linger);
}

return 0;
