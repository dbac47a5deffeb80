using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Clients;

/// <summary>What a client under test gets for one run.</summary>
internal sealed record ClientRunContext
{
    /// <summary>The scenario's base URL; the client POSTs <c>{BaseUrl}/v1/messages</c>.</summary>
    public required Uri BaseUrl { get; init; }
    public required ConsumerModel Consumer { get; init; }
    public required RunTimeouts Timeouts { get; init; }
    public required TimeProvider Time { get; init; }

    /// <summary>How long a process stays alive after giving up (exec clients), so a forgotten connection is visible.</summary>
    public TimeSpan Linger { get; init; } = TimeSpan.FromMilliseconds(800);
}

/// <summary>
/// A client the harness can judge. Implementations return what the client produced; they never judge.
/// The token fires at the scenario deadline; an implementation that ignores it is abandoned and reported hung.
/// </summary>
internal interface IClientUnderTest
{
    string Name { get; }

    Task<ClientResult> RunAsync(ClientRunContext context, CancellationToken cancellationToken);
}
