using System.Net.ServerSentEvents;
using System.Text.Json.Nodes;

namespace TinyAgent.Harness.Formats.OpenAIResponses;

/// <summary>
/// <c>"stream": false</c>: the <c>response</c> of <c>response.completed</c> or <c>response.incomplete</c> is the whole
/// reply the API returns (WIRE-OPENAI.md "Endings"); <c>response.failed</c> and <c>error</c> answer their error. A
/// stream cut before its end gives the response of <c>response.created</c> with the output items as far as they came.
/// </summary>
internal static class ResponsesAssembler
{
    public static AssembledReply Assemble(ReadOnlyMemory<byte> body)
    {
        var fold = new ResponseFold();
        using var stream = new MemoryStream(body.ToArray(), writable: false);
        foreach (var item in SseParser.Create(stream).Enumerate())
        {
            if (ResponsesJson.Parse(item.Data) is not { } data)
            {
                continue; // [DONE], or garbage
            }

            fold.Apply(data);
            if (fold.Error is var (type, message))
            {
                return new AssembledReply(null, new ApiError(ResponsesErrors.StatusFor(type), type, message));
            }

            if (fold.Final is { } final)
            {
                return new AssembledReply(ResponsesJson.WriteUtf8(final), null);
            }
        }

        if (fold.Response is not { } response)
        {
            return new AssembledReply(null, new ApiError(500, "server_error", "The recording has no response.created."));
        }

        var output = new JsonArray();
        foreach (var item in fold.Items.Values)
        {
            output.Add(item.DeepClone());
        }

        response["output"] = output;
        return new AssembledReply(ResponsesJson.WriteUtf8(response), null);
    }
}
