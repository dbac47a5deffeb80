using System.Text;
using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Clients;

/// <summary>
/// What a built-in client has read of the answer so far, whatever the wire format: all text, text and tool input per
/// block, when the first text came, and whether the consumer has had its deltas. The article's loop and the Responses
/// client fill it from their own events and put their result together from it.
/// </summary>
internal sealed class ReplyParts(int? giveUpAfter)
{
    private readonly StringBuilder _text = new();
    private readonly SortedDictionary<int, StringBuilder> _texts = [];
    private readonly SortedDictionary<int, StringBuilder> _tools = [];
    private int _deltas;
    private TimeSpan? _firstTextAt;

    /// <summary>The last text delta was the consumer's last: it leaves now.</summary>
    public bool GaveUp { get; private set; }

    public void StartText(int index, string? text) => _texts[index] = new StringBuilder(text);

    public void StartTool(int index, string? input) => _tools[index] = new StringBuilder(input);

    /// <summary>One text delta of block <paramref name="index"/>, read at <paramref name="now"/>.</summary>
    public void AddText(int index, string text, TimeSpan now)
    {
        _text.Append(text);
        Of(_texts, index).Append(text);
        _firstTextAt ??= now;
        GaveUp = ++_deltas == giveUpAfter;
    }

    public void AddToolInput(int index, string? piece) => Of(_tools, index).Append(piece);

    public ClientResult Result(RunHttp http, ClientOutcome outcome, ClientError? error, string? stopReason) => http.Result(
        outcome,
        error,
        _text.ToString(),
        _texts.ToDictionary(kv => kv.Key, kv => kv.Value.ToString()),
        _tools.ToDictionary(kv => kv.Key, kv => kv.Value.ToString()),
        stopReason,
        _firstTextAt);

    /// <summary>A delta for a block that never started starts it.</summary>
    private static StringBuilder Of(SortedDictionary<int, StringBuilder> blocks, int index) =>
        blocks.TryGetValue(index, out var sb) ? sb : blocks[index] = new StringBuilder();
}
