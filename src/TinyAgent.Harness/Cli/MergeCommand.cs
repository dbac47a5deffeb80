using System.CommandLine;
using TinyAgent.Harness.Config;
using TinyAgent.Harness.Reports;

namespace TinyAgent.Harness.Cli;

/// <summary><c>merge</c>: combines the report.json files of <c>run --shard</c> jobs into one set of reports.</summary>
internal static class MergeCommand
{
    private static readonly Argument<string[]> Reports = new("reports") { Description = "report.json files (or folders holding one) from the shards.", Arity = ArgumentArity.OneOrMore };
    private static readonly Option<string> Out = new("--out", "-o") { Description = "Folder for the merged reports.", Required = true };

    public static Command Create(CliContext context)
    {
        var command = new Command("merge", "Combine shard reports into one: verdicts recomputed over all runs.") { Reports, Out, RunCommand.ConfigOption };
        command.SetAction(parse =>
        {
            var shards = parse.GetValue(Reports)!.Select(p =>
            {
                string path = context.Resolve(p);
                return JsonReportWriter.Read(Directory.Exists(path) ? Path.Combine(path, "report.json") : path);
            }).ToList();
            var config = parse.GetValue(RunCommand.ConfigOption) is { } c ? ConfigLoader.Load(context.Resolve(c)) : null;
            var merged = ReportBuilder.Merge(shards, config?.Expectations);
            string outDir = context.Resolve(parse.GetValue(Out)!);
            RunCommand.EnsureWritable(outDir);
            ReportWriters.WriteAll(merged, outDir, config?.ReportFormats ?? HarnessConfig.ReportFormatNames);
            ConsoleSummary.Write(merged, context.Out, context.Color);
            context.Out.WriteLine($"merged {shards.Count} reports, {merged.Runs.Count} runs into {outDir}: {(merged.Passed ? "PASSED" : "FAILED")}");
            return merged.Passed ? ExitCodes.Ok : ExitCodes.ExpectationFailed;
        });
        return command;
    }
}
