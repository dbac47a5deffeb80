using System.Runtime.InteropServices;
using TinyAgent.Harness.Cli;

namespace TinyAgent.Harness;

internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        using var interrupt = new CancellationTokenSource();

        // The first Ctrl+C or SIGTERM asks for a clean stop (partial report, exit 130); the process is not killed.
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            interrupt.Cancel();
        }

        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        return await HarnessCli.RunAsync(args, CliContext.ForConsole(interrupt.Token)).ConfigureAwait(false);
    }
}
