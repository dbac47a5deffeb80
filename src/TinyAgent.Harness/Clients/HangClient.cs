namespace TinyAgent.Harness.Clients;

/// <summary>Specimen `hang`: Ignores cancellation and never returns: proves the harness abandons a run at its deadline and reports it hung.</summary>
internal sealed class HangClient(Func<HttpMessageHandler>? innerHandler = null)
    : SpecimenClient(ClientName, ArticleMistake.IgnoresCancellation, innerHandler)
{
    public const string ClientName = "hang";
}
