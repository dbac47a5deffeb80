using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace TinyAgent.Harness.Formats.OpenAIChat;

/// <summary>
/// Folds a Chat Completions stream into the <c>chat.completion</c> object the API answers to <c>"stream": false</c>:
/// choice 0's content, refusal, reasoning (when a compatible server streamed it) and tool calls (pieces joined per
/// index), the last finish_reason, and usage when a usage chunk came. An error object in the stream becomes the error
/// reply instead. Frames that are not JSON are skipped, as unknown fields are.
/// </summary>
internal static class ChatAssembler
{
    /// <summary>The top-level fields copied from the stream's chunks, in the order the API writes a completion.</summary>
    private static readonly string[] s_head = ["id", "object", "created", "model"];
    private static readonly string[] s_tail = ["service_tier", "system_fingerprint"];

    public static AssembledReply Assemble(ReadOnlyMemory<byte> body)
    {
        JsonObject? first = null;
        StringBuilder? content = null, refusal = null, reasoning = null;
        var calls = new SortedDictionary<int, (string? Id, string? Name, StringBuilder Arguments)>();
        string? finishReason = null;
        JsonNode? usage = null;

        using var stream = new MemoryStream(body.ToArray(), writable: false);
        foreach (var item in SseParser.Create(stream).Enumerate())
        {
            if (item.Data == ChatJson.Done)
            {
                continue;
            }

            JsonDocument doc;
            try
            {
                doc = JsonDocument.Parse(item.Data);
            }
            catch (JsonException)
            {
                continue;
            }

            using (doc)
            {
                var root = doc.RootElement;
                if (ChatJson.Error(root) is { } error)
                {
                    int status = ChatErrors.StatusFor(error.Type, error.Code);
                    return new AssembledReply(null, new ApiError(status, error.Type, error.Message) { Code = error.Code is { } code && !int.TryParse(code, out _) ? code : null });
                }

                if (root.ValueKind != JsonValueKind.Object)
                {
                    continue;
                }

                if (first is null && Json.String(root, "id") is { Length: > 0 })
                {
                    first = JsonNode.Parse(root.GetRawText()) as JsonObject;
                }

                if (Json.Object(root, "usage") is { } u)
                {
                    usage = JsonNode.Parse(u.GetRawText());
                }

                if (ChatJson.FirstChoice(root) is not { } choice)
                {
                    continue;
                }

                finishReason = Json.String(choice, "finish_reason") ?? finishReason;
                if (Json.Object(choice, "delta") is not { } delta)
                {
                    continue;
                }

                Append(ref content, Json.String(delta, "content"));
                Append(ref refusal, Json.String(delta, "refusal"));
                Append(ref reasoning, Json.String(delta, "reasoning_content") ?? Json.String(delta, "reasoning"));
                if (Json.Array(delta, "tool_calls") is not { } pieces)
                {
                    continue;
                }

                foreach (var piece in pieces.EnumerateArray())
                {
                    if (Json.Int(piece, "index") is not int index)
                    {
                        continue;
                    }

                    var function = Json.Object(piece, "function");
                    (string? Id, string? Name, StringBuilder Arguments) call = calls.TryGetValue(index, out var known) ? known : (null, null, new StringBuilder());
                    call.Id ??= Json.String(piece, "id");
                    call.Name ??= function is { } f ? Json.String(f, "name") : null;
                    call.Arguments.Append(function is { } g ? Json.String(g, "arguments") : null);
                    calls[index] = call;
                }
            }
        }

        if (first is null)
        {
            return new AssembledReply(null, new ApiError(500, "server_error", "The recording has no chat.completion.chunk."));
        }

        // A reply that is only tool calls has content null, as the API answers it.
        string? text = content?.ToString();
        var message = new JsonObject
        {
            ["role"] = "assistant",
            ["content"] = calls.Count > 0 && string.IsNullOrEmpty(text) ? null : text ?? "",
            ["refusal"] = refusal?.ToString(),
        };
        if (reasoning is not null)
        {
            message["reasoning_content"] = reasoning.ToString();
        }

        if (calls.Count > 0)
        {
            message["tool_calls"] = new JsonArray([.. calls.Values.Select(c => (JsonNode)new JsonObject
            {
                ["id"] = c.Id,
                ["type"] = "function",
                ["function"] = new JsonObject { ["name"] = c.Name, ["arguments"] = c.Arguments.ToString() },
            })]);
        }

        var completion = new JsonObject();
        foreach (string name in s_head)
        {
            completion[name] = name == "object" ? "chat.completion" : first[name]?.DeepClone();
        }

        completion["choices"] = new JsonArray(new JsonObject
        {
            ["index"] = 0,
            ["message"] = message,
            ["logprobs"] = null,
            ["finish_reason"] = finishReason,
        });
        if (usage is not null)
        {
            completion["usage"] = usage;
        }

        foreach (string name in s_tail.Where(first.ContainsKey))
        {
            completion[name] = first[name]?.DeepClone();
        }

        return new AssembledReply(Encoding.UTF8.GetBytes(completion.ToJsonString(Json.ApiOptions)), null);
    }

    private static void Append(ref StringBuilder? sb, string? piece)
    {
        if (piece is not null)
        {
            (sb ??= new StringBuilder()).Append(piece);
        }
    }
}
