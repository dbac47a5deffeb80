using System.Text;

namespace TinyAgent.Harness.Clients;

/// <summary>
/// Specimen `naive-split`. Its mistake: each read is decoded and split on its own, with no carried buffer (the
/// article's loop without <c>pop()</c>): a frame cut across reads throws or silently loses text.
/// </summary>
internal sealed class NaiveSplitClient(Func<HttpMessageHandler>? innerHandler = null) : SpecimenClient(ClientName, innerHandler)
{
    public const string ClientName = "naive-split";

    protected override ArticleFraming NewFraming() => new PerReadFraming();

    /// <summary>The last piece of each read is parsed as if complete; nothing is held for the next read.</summary>
    private sealed class PerReadFraming : ArticleFraming
    {
        public override IReadOnlyList<string> Read(ReadOnlySpan<byte> read) => Normalize(Encoding.UTF8.GetString(read)).Split("\n\n");

        public override IReadOnlyList<string> End() => [];
    }
}
