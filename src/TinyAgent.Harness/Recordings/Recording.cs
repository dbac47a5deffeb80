using TinyAgent.Harness.Formats;
using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Recordings;

/// <summary>A recorded response body exactly as it came off the wire, with its sidecar facts.</summary>
internal sealed record Recording(string Name, string Path, byte[] Body, RecordingMeta Meta)
{
    private SseLayout? _layout;
    private ExpectedResult? _expected;
    private IWireFormat? _format;
    private IReadOnlyList<WireEvent>? _events;

    /// <summary>The wire format: the sidecar's <c>format</c>, else the one its first event shows.</summary>
    public IWireFormat Format => _format ??= Meta.Format is { } name && WireFormats.Find(name) is { } named ? named : WireFormats.Detect(Body);

    /// <summary>Lines and frames of <see cref="Body"/>, computed once.</summary>
    public SseLayout Layout => _layout ??= SseLayout.Parse(Body);

    /// <summary>What a correct client reads from the unfaulted body (derived, never hand-written).</summary>
    public ExpectedResult Expected => _expected ??= Format.Read(Body);

    /// <summary>The body's events as its format classifies them, computed once: every plan of this recording starts from them.</summary>
    public IReadOnlyList<WireEvent> Events => _events ??= Format.Events(Body, Layout);

    /// <summary>Lets a loader that already parsed <see cref="Body"/> (layout and reference read) keep what it found.</summary>
    internal Recording WithDerived(SseLayout layout, ExpectedResult expected)
    {
        _layout ??= layout;
        _expected ??= expected;
        return this;
    }

    /// <summary>Any of <paramref name="globs"/> (<c>*</c> and <c>?</c>) matches this recording's name or file name.</summary>
    public bool MatchesAny(IEnumerable<string> globs) =>
        globs.Any(glob => GlobMatch(glob, Name) || GlobMatch(glob, System.IO.Path.GetFileName(Path)));

    private static bool GlobMatch(string glob, string name)
    {
        string file = System.IO.Path.GetFileName(glob);
        string pattern = "^" + System.Text.RegularExpressions.Regex.Escape(file).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$";
        return System.Text.RegularExpressions.Regex.IsMatch(name, pattern);
    }
}

/// <summary>The optional <c>NAME.meta.json</c> sidecar. Defaults: 200, text/event-stream, no timeline.</summary>
internal sealed record RecordingMeta(
    int Status,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    IReadOnlyList<RecordedChunk>? Timeline)
{
    /// <summary>The sidecar's <c>format</c> (see <see cref="WireFormats"/>); null: detected from the body.</summary>
    public string? Format { get; init; }

    public static RecordingMeta Default { get; } = new(
        200,
        [new("content-type", "text/event-stream; charset=utf-8"), new("cache-control", "no-cache")],
        null);
}

/// <summary>One read as it arrived when the recording was made: where it starts in the body, and when (ms after the request).</summary>
internal readonly record struct RecordedChunk(int Offset, double AtMs);
