using System.CommandLine;
using TinyAgent.Harness.Model;
using TinyAgent.Harness.Recordings;

namespace TinyAgent.Harness.Cli;

/// <summary><c>generate</c>: synthetic recordings with <see cref="RecordingGenerator"/>; the same seed gives the same files.</summary>
internal static class GenerateCommand
{
    private const int MaxCount = 100_000;

    private static readonly Option<string> Out = new("--out", "-o") { Description = "Folder for NAME.sse and NAME.meta.json files.", Required = true };
    private static readonly Option<int> Count = new("--count", "-n") { Description = "How many recordings (default 10).", DefaultValueFactory = _ => 10 };
    private static readonly Option<int> Seed = new("--seed") { Description = "Seed: the same seed gives the same bytes (default 1).", DefaultValueFactory = _ => 1 };
    private static readonly Option<int?> Words = new("--words") { Description = "Words in each answer's text (default: 20 to 300, drawn per recording)." };
    private static readonly Option<bool> Tools = new("--tools") { Description = "Every recording ends with tool calls (default: 30 % do)." };
    private static readonly Option<bool> Thinking = new("--thinking") { Description = "Every recording opens with a thinking block (default: 30 % do)." };

    public static Command Create(CliContext context)
    {
        var command = new Command("generate", "Write realistic synthetic recordings (text, tool calls, thinking, token timing), deterministic for a seed.")
        {
            Out, Count, Seed, Words, Tools, Thinking,
        };
        command.SetAction(parse =>
        {
            int count = parse.GetValue(Count);
            if (count is < 1 or > MaxCount)
            {
                throw new HarnessInputException("--count", $"must be from 1 to {MaxCount}, not {count}");
            }

            var options = new GeneratorOptions();
            if (parse.GetValue(Words) is { } words)
            {
                options = words >= 1 ? options with { MinWords = words, MaxWords = words } : throw new HarnessInputException("--words", $"must be at least 1, not {words}");
            }

            options = options with
            {
                ToolUseShare = parse.GetValue(Tools) ? 1 : options.ToolUseShare,
                ThinkingShare = parse.GetValue(Thinking) ? 1 : options.ThinkingShare,
            };
            string dir = context.Resolve(parse.GetValue(Out)!);
            RunCommand.EnsureWritable(dir);
            var paths = RecordingGenerator.WriteTo(dir, count, parse.GetValue(Seed), options);
            long bytes = paths.Sum(p => new FileInfo(p).Length);
            foreach (string path in paths.Take(5))
            {
                context.Out.WriteLine($"  {Path.GetFileName(path)}  {new FileInfo(path).Length} B");
            }

            if (paths.Count > 5)
            {
                context.Out.WriteLine($"  ... and {paths.Count - 5} more");
            }

            context.Out.WriteLine($"generate: {paths.Count} recordings, {bytes} bytes, seed {parse.GetValue(Seed)}, in {dir}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
