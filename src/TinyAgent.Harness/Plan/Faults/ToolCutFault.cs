using TinyAgent.Harness.Recordings;

namespace TinyAgent.Harness.Plan.Faults;

/// <summary>Options of <c>tool-cut</c>.</summary>
internal sealed record ToolCutOptions : IFaultOptions
{
    /// <summary>Keep this share of the tool input's <c>input_json_delta</c> frames, 0 to 1, whole frames, at least one and never all. Default 0.5.</summary>
    public double AtFraction { get; init; } = 0.5;

    public IEnumerable<string> Validate()
    {
        if (!(AtFraction >= 0 && AtFraction <= 1))
        {
            yield return "atFraction: must be between 0 and 1";
        }
    }
}

/// <summary>
/// Content: a <c>max_tokens</c> ending inside a tool_use input (@anthropic-ai/sdk #842): the body is kept up to part of
/// the first tool_use block's <c>input_json_delta</c> frames, so its input is partial JSON, and that block gets no
/// <c>content_block_stop</c>; then <c>message_delta</c> with <c>stop_reason: max_tokens</c> and <c>message_stop</c>.
/// A client must report max_tokens and not parse (or run) the partial input. A recording without a tool_use block is
/// left alone and nothing is reported: the fault is not exercised there.
/// </summary>
[Fault("tool-cut", typeof(ToolCutOptions))]
internal sealed class ToolCutFault(ToolCutOptions options) : IFault
{
    public FaultStage Stage => FaultStage.Content;

    public IFaultOptions Options => options;

    public void Apply(PlanBuilder plan)
    {
        byte[] body = plan.Body;
        var events = SseEdit.EventFrames(body, plan.Layout);
        int? tool = null;
        var pieces = new List<SseFrame>();
        foreach (var frame in events)
        {
            var (type, index, deltaType) = SseEdit.TypeAndIndex(body, frame);
            if (tool is null && type == "content_block_start" && index is int i && BlockType(body, frame) == "tool_use")
            {
                tool = i;
            }
            else if (tool is not null && index == tool && type == "content_block_delta" && deltaType == "input_json_delta")
            {
                pieces.Add(frame);
            }
            else if (tool is not null && index == tool && type == "content_block_stop")
            {
                break;
            }
        }

        if (pieces.Count == 0)
        {
            return;
        }

        int keep = Math.Clamp((int)Math.Round(options.AtFraction * pieces.Count), 1, Math.Max(1, pieces.Count - 1));
        string eol = SseEdit.LineEnding(body, plan.Layout);
        byte[] ending =
        [
            .. SseEdit.Frame(
                "message_delta",
                $"{{\"type\":\"message_delta\",\"delta\":{{\"stop_reason\":\"max_tokens\",\"stop_sequence\":null}},\"usage\":{{\"output_tokens\":{keep}}}}}",
                eol),
            .. SseEdit.Frame("message_stop", "{\"type\":\"message_stop\"}", eol),
        ];
        plan.ReplaceBody(SseEdit.Splice(body, pieces[keep - 1].End, ending, resumeAt: null));
        plan.Facts = plan.Facts with { MaxTokensEnding = true, ToolCut = true };
    }

    private static string? BlockType(byte[] body, SseFrame frame)
    {
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(SseEdit.Data(body, frame));
            return doc.RootElement.TryGetProperty("content_block", out var block) && block.ValueKind == System.Text.Json.JsonValueKind.Object
                && block.TryGetProperty("type", out var t) && t.ValueKind == System.Text.Json.JsonValueKind.String
                ? t.GetString()
                : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
