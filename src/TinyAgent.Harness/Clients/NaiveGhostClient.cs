namespace TinyAgent.Harness.Clients;

/// <summary>
/// Specimen `naive-ghost`. Its mistake: on give-up it stops reading and returns, never aborting or disposing the
/// response: the connection keeps streaming while the process lives.
/// </summary>
internal sealed class NaiveGhostClient(Func<HttpMessageHandler>? innerHandler = null) : SpecimenClient(ClientName, innerHandler)
{
    public const string ClientName = "naive-ghost";

    protected override async Task LeaveAsync(RunHttp http, HttpResponseMessage response, ClientRunContext context, CancellationToken token)
    {
        // In process the "process" is the run: it lingers, then the run's end closes its sockets as an exit would.
        GC.KeepAlive(response);
        await Task.Delay(context.Linger, context.Time, token);
    }
}
