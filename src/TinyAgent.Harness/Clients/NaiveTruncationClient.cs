using System.Text.Json;
using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Clients;

/// <summary>
/// Specimen `naive-truncation`. Its mistake: it buffers correctly but only handles content events: it ignores
/// error events, never checks for <c>message_stop</c> and never reads <c>stop_reason</c> (it always reports null),
/// so an error event or a clean early end comes back as a complete answer. A reset still throws out of the read.
/// </summary>
internal sealed class NaiveTruncationClient(Func<HttpMessageHandler>? innerHandler = null) : SpecimenClient(ClientName, innerHandler)
{
    public const string ClientName = "naive-truncation";

    protected override void OnEnding(string type, JsonElement root, ArticleLoopState state)
    {
        // Ignored: "if the loop only handles content_block_delta, the error gets skipped".
    }

    protected override ClientError? CheckEnded(ArticleLoopState state) => null;
}
