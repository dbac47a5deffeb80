using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Clients;

/// <summary>Specimen `naive-split`: Parses each read on its own with no carried buffer (the article's loop without pop()): a frame cut across reads throws or silently loses text.</summary>
internal sealed class NaiveSplitClient(Func<HttpMessageHandler>? innerHandler = null) : IClientUnderTest
{
    public const string ClientName = "naive-split";

    private readonly ArticleLoop _loop = new(ArticleMistake.NoCarriedBuffer, innerHandler);

    public string Name => ClientName;

    public Task<ClientResult> RunAsync(ClientRunContext context, CancellationToken cancellationToken) =>
        _loop.RunAsync(context, cancellationToken);
}
