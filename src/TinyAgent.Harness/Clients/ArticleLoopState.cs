using System.Text.Json;
using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Clients;

/// <summary>What one run of the article's loop has accumulated so far, and the result built from it.</summary>
internal sealed class ArticleLoopState(int? giveUpAfter)
{
    private readonly ReplyParts _parts = new(giveUpAfter);

    /// <summary>The <c>stop_reason</c> read from <c>message_delta</c>; stays null for a loop that never reads it.</summary>
    public string? StopReason { get; set; }

    public bool SawMessageStop { get; set; }

    /// <summary>A <c>message_stop</c> was read: the loop stops reading there (every variant of the loop does).</summary>
    public bool Ended { get; set; }

    /// <summary>The error an error event carried; the loop stops at once when it is set.</summary>
    public ClientError? Error { get; set; }

    public bool GaveUp => _parts.GaveUp;

    public void StartBlock(int index, JsonElement block)
    {
        string? blockType = block.GetProperty("type").GetString();
        if (blockType == "text")
        {
            _parts.StartText(index, block.TryGetProperty("text", out var initial) ? initial.GetString() : "");
        }
        else if (blockType == "tool_use")
        {
            _parts.StartTool(index, "");
        }
    }

    public void AddDelta(int index, JsonElement delta, TimeSpan now)
    {
        switch (delta.GetProperty("type").GetString())
        {
            case "text_delta":
                _parts.AddText(index, delta.GetProperty("text").GetString() ?? "", now);
                break;
            case "input_json_delta":
                _parts.AddToolInput(index, delta.GetProperty("partial_json").GetString());
                break;
            default:
                break;
        }
    }

    public ClientResult Result(RunHttp http, ClientOutcome outcome, ClientError? error) => _parts.Result(http, outcome, error, StopReason);
}
