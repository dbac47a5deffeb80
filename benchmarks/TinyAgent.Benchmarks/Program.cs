using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;

namespace TinyAgent.Benchmarks;

internal static class Program
{
    // The generated benchmark project can take minutes to build on a loaded 2-core machine (default limit: 2 min).
    private static void Main(string[] args) =>
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly)
            .Run(args, ManualConfig.Create(DefaultConfig.Instance).WithBuildTimeout(TimeSpan.FromMinutes(10)));
}
