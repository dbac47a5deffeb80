using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Clients;

/// <summary>A specimen: the article's loop with exactly one mistake (each subclass names its mistake and why it matters).</summary>
internal abstract class SpecimenClient(string name, ArticleMistake mistake, Func<HttpMessageHandler>? innerHandler) : IClientUnderTest
{
    private readonly ArticleLoop _loop = new(mistake, innerHandler);

    public string Name => name;

    public Task<ClientResult> RunAsync(ClientRunContext context, CancellationToken cancellationToken) =>
        _loop.RunAsync(context, cancellationToken);
}
