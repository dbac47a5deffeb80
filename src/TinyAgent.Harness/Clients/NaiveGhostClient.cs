namespace TinyAgent.Harness.Clients;

/// <summary>Specimen `naive-ghost`: On give-up stops reading and returns, never aborting or disposing the response: the connection keeps streaming while the process lives.</summary>
internal sealed class NaiveGhostClient(Func<HttpMessageHandler>? innerHandler = null)
    : SpecimenClient(ClientName, ArticleMistake.NeverAbortsOnGiveUp, innerHandler)
{
    public const string ClientName = "naive-ghost";
}
