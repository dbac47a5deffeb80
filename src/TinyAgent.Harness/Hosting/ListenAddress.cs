using System.Net;
using System.Net.Sockets;

using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Hosting;

/// <summary>The listen-address checks and bind errors the replay server and the recording proxy share (one-line messages).</summary>
internal static class ListenAddress
{
    /// <summary>The host as an IP address; <paramref name="role"/> (<c>Server</c>, <c>Proxy</c>) starts the error.</summary>
    public static IPAddress Parse(string role, string host, int port)
    {
        if (!IPAddress.TryParse(host, out var address))
        {
            throw new HarnessInputException(null, $"{role} host '{host}' is not an IP address (use 127.0.0.1).");
        }

        if (port is < 0 or > 65535)
        {
            throw new HarnessInputException(null, $"{role} port {port} is out of range (0-65535; 0 picks a free port).");
        }

        return address;
    }

    /// <summary>The one-line error for a failed bind: "already in use" when it is, else what <paramref name="listener"/> could not do.</summary>
    public static HarnessInputException BindFailed(Exception e, string listener, string host, string shownHost, int port) =>
        new(null, IsAddressInUse(e)
            ? $"Port {port} on {host} is already in use; choose another port, or 0 for a free one."
            : $"The {listener} could not listen on {shownHost}:{port}: {e.Message.Split('\n', 2)[0].Trim()}", e);

    private static bool IsAddressInUse(Exception e)
    {
        for (var current = e; current is not null; current = current.InnerException)
        {
            if (current is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse }
                || current.GetType().Name == "AddressInUseException"
                || current.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
