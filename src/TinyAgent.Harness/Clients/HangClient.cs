using System.Diagnostics;
using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Clients;

/// <summary>
/// Specimen `hang`. Its mistake: it ignores cancellation and never returns (nor closes its connection): proves
/// the harness abandons a run at its deadline and reports it hung.
/// </summary>
internal sealed class HangClient(Func<HttpMessageHandler>? innerHandler = null) : SpecimenClient(ClientName, innerHandler)
{
    public const string ClientName = "hang";

    public override async Task<ClientResult> RunAsync(ClientRunContext context, CancellationToken cancellationToken)
    {
        // The deadline's token is never passed on: nothing it awaits can be cancelled.
        await ReadAsync(CreateHttp(context), context, CancellationToken.None);
        await new TaskCompletionSource().Task; // never completes; the harness must abandon it
        throw new UnreachableException();
    }
}
