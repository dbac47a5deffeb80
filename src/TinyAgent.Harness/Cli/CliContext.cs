namespace TinyAgent.Harness.Cli;

/// <summary>What a command writes to and reads the clock from; tests pass StringWriters and a fake clock.</summary>
internal sealed record CliContext(TextWriter Out, TextWriter Err, TimeProvider Time, string WorkingDirectory)
{
    /// <summary>Progress may redraw one line (a terminal, not redirected).</summary>
    public bool Interactive { get; init; }

    /// <summary>ANSI colours allowed (a terminal, and NO_COLOR unset).</summary>
    public bool Color { get; init; }

    /// <summary>Cancelled on SIGINT/SIGTERM: commands stop, write what they have, and exit 130.</summary>
    public CancellationToken Interrupt { get; init; }

    public string Resolve(string path) => Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(WorkingDirectory, path));

    public static CliContext ForConsole(CancellationToken interrupt)
    {
        bool terminal = !Console.IsOutputRedirected;
        return new CliContext(Console.Out, Console.Error, TimeProvider.System, Environment.CurrentDirectory)
        {
            Interactive = terminal,
            Color = terminal && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR")),
            Interrupt = interrupt,
        };
    }
}

/// <summary>Exit codes shared by every command.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int ExpectationFailed = 1;
    public const int BadInput = 2;
    public const int Interrupted = 130;
}
