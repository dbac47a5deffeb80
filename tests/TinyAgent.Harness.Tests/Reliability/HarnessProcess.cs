using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace TinyAgent.Harness.Tests.Reliability;

/// <summary>
/// The built harness (<c>dotnet TinyAgent.Harness.dll ...</c>) as a child process, for what only a real process shows:
/// signal handling and the environment it inherits. Dispose kills the whole tree if it is still running.
/// </summary>
internal sealed class HarnessProcess : IDisposable
{
    private readonly ConcurrentQueue<string> _output = new();
    private readonly TaskCompletionSource<string> _awaited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private HarnessProcess(ProcessStartInfo psi, Func<string, bool> awaitedLine)
    {
        Process = Process.Start(psi)!;
        Process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                _output.Enqueue(line);
                if (awaitedLine(line))
                {
                    _awaited.TrySetResult(line);
                }
            }
        };
        Process.ErrorDataReceived += (_, e) => _output.Enqueue("stderr: " + e.Data);
        Process.BeginOutputReadLine();
        Process.BeginErrorReadLine();
    }

    public Process Process { get; }

    /// <summary>The first stdout line that matched the predicate given to <see cref="Start"/>.</summary>
    public Task<string> AwaitedLine => _awaited.Task;

    /// <summary>Everything printed so far, stderr lines prefixed <c>stderr: </c>.</summary>
    public string Log => string.Join("\n", _output);

    /// <param name="environment">Set on the child's start info only, never on the test process.</param>
    public static HarnessProcess Start(string workingDirectory, IEnumerable<string> args, Func<string, bool> awaitedLine, IReadOnlyDictionary<string, string>? environment = null)
    {
        // A test run started in the background (`nohup ... &`) inherits SIGINT ignored, and .NET keeps an ignored SIGINT
        // ignored, as a shell's background job should: the child gets the default back, as a terminal would give it.
        bool intIgnored = SigIntIgnored();
        var psi = new ProcessStartInfo(intIgnored ? "env" : "dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory };
        if (intIgnored)
        {
            psi.ArgumentList.Add("--default-signal=INT");
            psi.ArgumentList.Add("dotnet");
        }

        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "TinyAgent.Harness.dll"));
        foreach (string arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[name] = value;
        }

        return new HarnessProcess(psi, awaitedLine);
    }

    /// <summary>Whether this process ignores SIGINT (bit 2 of SigIgn in /proc/self/status; false where there is no /proc).</summary>
    private static bool SigIntIgnored()
    {
        const string Prefix = "SigIgn:";
        if (!File.Exists("/proc/self/status"))
        {
            return false;
        }

        string? mask = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith(Prefix, StringComparison.Ordinal))?[Prefix.Length..].Trim();
        return mask is not null && (ulong.Parse(mask, NumberStyles.HexNumber, CultureInfo.InvariantCulture) & (1UL << 1)) != 0;
    }

    /// <summary>Sends a signal by name (INT, TERM) with <c>kill</c>, as a terminal or service manager would.</summary>
    public async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, Process.Id.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    public void Dispose()
    {
        if (!Process.HasExited)
        {
            Process.Kill(entireProcessTree: true);
        }

        Process.Dispose();
    }
}
