using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Clients;

/// <summary>Specimen `naive-ghost`: On give-up stops reading and returns, never aborting or disposing the response: the connection keeps streaming while the process lives.</summary>
internal sealed class NaiveGhostClient(Func<HttpMessageHandler>? innerHandler = null) : IClientUnderTest
{
    public const string ClientName = "naive-ghost";

    private readonly ArticleLoop _loop = new(ArticleMistake.NeverAbortsOnGiveUp, innerHandler);

    public string Name => ClientName;

    public Task<ClientResult> RunAsync(ClientRunContext context, CancellationToken cancellationToken) =>
        _loop.RunAsync(context, cancellationToken);
}
