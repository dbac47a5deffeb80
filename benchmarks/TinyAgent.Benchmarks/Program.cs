using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

namespace TinyAgent.Benchmarks;

internal static class Program
{
    // The generated benchmark project can take minutes to build on a loaded 2-core machine (default limit: 2 min).
    private static int Main(string[] args)
    {
        // Script-style benchmarks (server-throughput, client-parsing) dispatch on the first argument; the rest is BenchmarkDotNet.
        if ((ServerThroughput.TryRun(args) ?? ClientParsingRounds.TryRun(args)) is int code)
        {
            return code;
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly)
            .Run(args, ManualConfig.Create(DefaultConfig.Instance).WithBuildTimeout(TimeSpan.FromMinutes(10)));
        return 0;
    }
}
