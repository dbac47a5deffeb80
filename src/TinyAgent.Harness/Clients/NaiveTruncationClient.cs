namespace TinyAgent.Harness.Clients;

/// <summary>Specimen `naive-truncation`: Buffers correctly but ignores error events, never checks for message_stop and never reads stop_reason: an error event or a clean early end comes back as a complete answer.</summary>
internal sealed class NaiveTruncationClient(Func<HttpMessageHandler>? innerHandler = null)
    : SpecimenClient(ClientName, ArticleMistake.IgnoresErrorsAndEnd, innerHandler)
{
    public const string ClientName = "naive-truncation";
}
