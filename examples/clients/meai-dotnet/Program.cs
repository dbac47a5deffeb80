using System.ClientModel;
using System.Text;
using HarnessExamples;
using Microsoft.Extensions.AI;
using OpenAI;

// How many .NET applications stream today: Microsoft.Extensions.AI's IChatClient over the OpenAI .NET SDK
// (AsIChatClient), GetStreamingResponseAsync enumerated with await foreach, each update's Text printed as it comes;
// as a careful user it also keeps the updates' FinishReason. The endpoint is OPENAI_BASE_URL.
// Giving up is a `break` out of the loop, which disposes the enumerator.
var options = new OpenAIClientOptions { Endpoint = new Uri(Environment.GetEnvironmentVariable("OPENAI_BASE_URL")!) };
IChatClient chat = new OpenAI.Chat.ChatClient("gpt-4o", new ApiKeyCredential(Environment.GetEnvironmentVariable("OPENAI_API_KEY")!), options)
    .AsIChatClient();

int? cancelAfter = HarnessContract.CancelAfterDeltas;
var text = new StringBuilder();
string? finishReason = null;
int deltas = 0;
bool gaveUp = false;
try
{
    await foreach (ChatResponseUpdate update in chat.GetStreamingResponseAsync("Hello"))
    {
        Console.Write(update.Text);
        text.Append(update.Text);
        if (update.FinishReason is { } reason)
        {
            finishReason = reason.Value;
        }

        if (update.Text.Length > 0 && ++deltas == cancelAfter)
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
