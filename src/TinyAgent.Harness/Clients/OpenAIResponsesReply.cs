using System.Text.Json;
using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Clients;

/// <summary>
/// What a Responses stream has said so far, event by event, as openai-node's <c>ResponseStream</c> accumulates it: text
/// per message item and arguments per function call (by <c>output_index</c>), the ending (<c>response.completed</c>,
/// <c>response.incomplete</c>) with its stop reason, or the error (<c>response.failed</c>, <c>error</c>).
/// </summary>
internal sealed class OpenAIResponsesReply(int? giveUpAfter)
{
    private readonly ReplyParts _parts = new(giveUpAfter);

    /// <summary><c>incomplete_details.reason</c>, else the response's <c>status</c>: <c>completed</c>, <c>max_output_tokens</c>, <c>failed</c>.</summary>
    public string? StopReason { get; private set; }

    /// <summary>The reply's end event arrived: stop reading, whatever the connection does next.</summary>
    public bool Ended { get; private set; }

    public ClientError? Error { get; private set; }

    /// <summary>The consumer has had its text deltas and leaves.</summary>
    public bool GaveUp => _parts.GaveUp;

    /// <summary>Takes one event (its JSON object); unknown types are passed over, as the SDKs do.</summary>
    public void Apply(string type, JsonElement e, TimeSpan now)
    {
        switch (type)
        {
            case "response.output_item.added" when Index(e) is int index && Obj(e, "item") is { } item && Str(item, "type") == "function_call":
                _parts.StartTool(index, Str(item, "arguments") ?? "");
                break;
            case "response.output_text.delta" when Index(e) is int index:
                _parts.AddText(index, Str(e, "delta") ?? "", now);
                break;
            case "response.function_call_arguments.delta" when Index(e) is int index:
                _parts.AddToolInput(index, Str(e, "delta"));
                break;
            case "response.completed" or "response.incomplete":
                StopReason = Reason(e);
                Ended = true;
                break;
            case "response.failed":
                StopReason = Reason(e);
                var failed = Obj(e, "response") is { } r ? Obj(r, "error") : null;
                Error = new ClientError(failed is { } f ? Str(f, "code") ?? "response_failed" : "response_failed",
                    failed is { } m ? Str(m, "message") ?? "" : "the response failed");
                break;
            case "error":
                // Live traffic nests the error; the documented shape is flat (WIRE-OPENAI.md "Error event").
                var nested = Obj(e, "error");
                Error = nested is { } n
                    ? new ClientError(Str(n, "type") ?? Str(n, "code") ?? "error", Str(n, "message") ?? "")
                    : new ClientError(Str(e, "code") ?? "error", Str(e, "message") ?? "");
                break;
            default:
                break;
        }
    }

    public ClientResult Result(RunHttp http, ClientOutcome outcome, ClientError? error) => _parts.Result(http, outcome, error, StopReason);

    private static int? Index(JsonElement e) => Int(e, "output_index");

    /// <summary>A string field, or null when missing or of another kind (the client reads tolerantly; the reference reader is strict).</summary>
    internal static string? Str(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    internal static JsonElement? Obj(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object ? v : null;

    private static int? Int(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int n) ? n : null;

    private static string? Reason(JsonElement e) =>
        Obj(e, "response") is not { } response ? null
        : Obj(response, "incomplete_details") is { } details && Str(details, "reason") is { } reason ? reason
        : Str(response, "status");
}
