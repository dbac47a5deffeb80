using System.CommandLine;
using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Cli;

/// <summary>
/// Assembles the root command and runs it. Each command lives in its own class with a
/// <c>Create(CliContext)</c> factory; this class only wires them and maps bad input to exit code 2.
/// </summary>
internal static class HarnessCli
{
    public static RootCommand Build(CliContext context)
    {
        var root = new RootCommand("TinyAgent Harness: replays recorded Anthropic streams with faults and judges whether a client survives them.");
        root.Subcommands.Add(RunCommand.Create(context));
        root.Subcommands.Add(ValidateCommand.Create(context));
        root.Subcommands.Add(MergeCommand.Create(context));
        root.Subcommands.Add(ServeCommand.Create(context));
        root.Subcommands.Add(ChunksCommand.Create(context));
        root.Subcommands.Add(RecordCommand.Create(context));
        root.Subcommands.Add(GenerateCommand.Create(context));
        root.Subcommands.Add(InitCommand.Create(context));
        return root;
    }

    public static async Task<int> RunAsync(string[] args, CliContext context)
    {
        var root = Build(context);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            // "Required command was not provided" hides the real mistake when a word was not recognised.
            var error = parse.Errors.FirstOrDefault(e => e.Message.StartsWith("Unrecognized", StringComparison.Ordinal)) ?? parse.Errors[0];
            context.Err.WriteLine($"tinyagent-harness: {error.Message.ReplaceLineEndings(" ")} (see --help)");
            return ExitCodes.BadInput;
        }

        try
        {
            var config = new InvocationConfiguration
            {
                Output = context.Out,
                Error = context.Err,
                EnableDefaultExceptionHandler = false,
                ProcessTerminationTimeout = null, // Program owns SIGINT/SIGTERM: partial reports need the time they need
            };
            return await parse.InvokeAsync(config, context.Interrupt).ConfigureAwait(false);
        }
        catch (HarnessInputException ex)
        {
            context.Err.WriteLine($"tinyagent-harness: {ex.Message.ReplaceLineEndings(" ").TrimEnd()}");
            return ExitCodes.BadInput;
        }
        catch (OperationCanceledException) when (context.Interrupt.IsCancellationRequested)
        {
            context.Err.WriteLine("tinyagent-harness: interrupted");
            return ExitCodes.Interrupted;
        }
    }
}
