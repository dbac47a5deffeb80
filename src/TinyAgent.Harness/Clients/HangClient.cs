using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Clients;

/// <summary>Specimen `hang`: Ignores cancellation and never returns: proves the harness abandons a run at its deadline and reports it hung.</summary>
internal sealed class HangClient(Func<HttpMessageHandler>? innerHandler = null) : IClientUnderTest
{
    public const string ClientName = "hang";

    private readonly ArticleLoop _loop = new(ArticleMistake.IgnoresCancellation, innerHandler);

    public string Name => ClientName;

    public Task<ClientResult> RunAsync(ClientRunContext context, CancellationToken cancellationToken) =>
        _loop.RunAsync(context, cancellationToken);
}
