using System.CommandLine;
using TinyAgent.Harness.Config;
using TinyAgent.Harness.Model;
using TinyAgent.Harness.Reports;

namespace TinyAgent.Harness.Cli;

/// <summary><c>init [DIR]</c>: writes the embedded default suite (harness.json, its schema, recordings/) into a folder to edit.</summary>
internal static class InitCommand
{
    private static readonly Argument<string> Directory = new("dir") { Description = "Folder to write into (default: the working directory).", DefaultValueFactory = _ => "." };
    private static readonly Option<bool> Force = new("--force") { Description = "Overwrite files that already exist." };

    public static Command Create(CliContext context)
    {
        var command = new Command("init", "Write the default suite (harness.json, harness.schema.json, recordings/) into DIR to edit.") { Directory, Force };
        command.SetAction(parse => Execute(context, parse.GetValue(Directory) ?? ".", parse.GetValue(Force)));
        return command;
    }

    private static int Execute(CliContext context, string dir, bool force)
    {
        string root = context.Resolve(dir);
        if (File.Exists(root))
        {
            throw new HarnessInputException("init", $"'{dir}' is a file, not a folder");
        }

        // Checked before anything is written, so a refusal leaves the folder as it was.
        var existing = EmbeddedSuite.Files.Where(f => File.Exists(Path.Combine(root, f))).ToList();
        if (existing.Count > 0 && !force)
        {
            throw new HarnessInputException("init", $"{Path.Combine(dir, existing[0])}{(existing.Count > 1 ? $" and {existing.Count - 1} more file(s)" : "")} already exist; pass --force to overwrite");
        }

        try
        {
            foreach (string file in EmbeddedSuite.Files)
            {
                string target = Path.Combine(root, file);
                System.IO.Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                byte[] bytes = EmbeddedSuite.Read(file);
                AtomicFile.Write(target, s => s.Write(bytes));
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new HarnessInputException("init", $"cannot write to '{dir}': {ex.Message.Split('\n', 2)[0].Trim()}");
        }

        context.Out.WriteLine($"init: wrote {EmbeddedSuite.ConfigFile}, {EmbeddedSuite.SchemaFile} and {EmbeddedSuite.RecordingFiles.Count} recordings (recordings/) to {root}{(existing.Count > 0 ? $" ({existing.Count} file(s) overwritten)" : "")}");
        context.Out.WriteLine($"  next: edit {EmbeddedSuite.ConfigFile}, then `tinyagent-harness validate` and `tinyagent-harness run --client-exec \"<your command>\"` in that folder");
        return ExitCodes.Ok;
    }
}
