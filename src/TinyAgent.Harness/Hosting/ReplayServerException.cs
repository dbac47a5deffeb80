namespace TinyAgent.Harness.Hosting;

/// <summary>The server could not start (bad address, port in use). The message is one line, fit for the console.</summary>
internal sealed class ReplayServerException(string message, Exception? inner = null) : Exception(message, inner);
