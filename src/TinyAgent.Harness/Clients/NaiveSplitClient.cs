namespace TinyAgent.Harness.Clients;

/// <summary>Specimen `naive-split`: Parses each read on its own with no carried buffer (the article's loop without pop()): a frame cut across reads throws or silently loses text.</summary>
internal sealed class NaiveSplitClient(Func<HttpMessageHandler>? innerHandler = null)
    : SpecimenClient(ClientName, ArticleMistake.NoCarriedBuffer, innerHandler)
{
    public const string ClientName = "naive-split";
}
