using System.CommandLine;

namespace TinyAgent.Harness.Cli;

/// <summary><c>validate</c>: checks the config and every recording it names, without running anything.</summary>
internal static class ValidateCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("validate", "Check the suite file and every recording it names, without running.") { RunCommand.ConfigOption };
        command.SetAction(parse =>
        {
            var inputs = SuiteInputs.Load(context, parse.GetValue(RunCommand.ConfigOption), []);
            foreach (var recording in inputs.Recordings)
            {
                var expected = recording.Expected;
                context.Out.WriteLine($"ok  {recording.Name}: {recording.Layout.Frames.Count} frames, {recording.Body.Length} bytes, stop_reason {expected.StopReason ?? "(none)"}{(expected.ErrorType is null ? "" : $", error event {expected.ErrorType}")}{(expected.HasMessageStop ? "" : ", no message_stop")}");
            }

            var c = inputs.Config;
            context.Out.WriteLine($"{c.Shown}: valid: {c.Scenarios.Count} scenarios, {c.Clients.Count} clients, {inputs.Recordings.Count} recordings");
            return ExitCodes.Ok;
        });
        return command;
    }
}
