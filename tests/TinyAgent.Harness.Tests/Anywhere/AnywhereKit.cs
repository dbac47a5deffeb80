using System.Text.Json.Nodes;
using TinyAgent.Harness.Cli;
using TinyAgent.Harness.Tests.Recordings;

namespace TinyAgent.Harness.Tests.Anywhere;

/// <summary>Runs the CLI in-process in a folder outside the repository, with a bound long enough for exec suites on a loaded machine.</summary>
internal static class AnywhereKit
{
    public static async Task<(int Exit, string Out, string Err)> RunAsync(string workingDirectory, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = await HarnessCli.RunAsync(args, new CliContext(TextWriter.Synchronized(output), TextWriter.Synchronized(error), TimeProvider.System, workingDirectory))
            .WaitAsync(TimeSpan.FromMinutes(4));
        return (exit, output.ToString(), error.ToString());
    }

    /// <summary>Copies bundled recordings (and sidecars) into a folder.</summary>
    public static void CopyRecordings(string folder, params string[] names)
    {
        Directory.CreateDirectory(folder);
        foreach (string name in names)
        {
            File.Copy(Path.Combine(RepoPaths.RecordingsFolder, name + ".sse"), Path.Combine(folder, name + ".sse"));
            string meta = Path.Combine(RepoPaths.RecordingsFolder, name + ".meta.json");
            if (File.Exists(meta))
            {
                File.Copy(meta, Path.Combine(folder, name + ".meta.json"));
            }
        }
    }

    public static JsonObject Report(string path) => JsonNode.Parse(File.ReadAllText(path))!.AsObject();

    public static JsonObject Client(JsonObject report, string name) =>
        report["clients"]!.AsArray().Select(c => c!.AsObject()).Single(c => c["name"]!.GetValue<string>() == name);

    public static string Verdict(JsonObject report, string client, string bug) => Client(report, client)["bugs"]![bug]!["verdict"]!.GetValue<string>();

    /// <summary>python3 on PATH, or the test is skipped with the reason (the stdout clients are Python on the standard library).</summary>
    public static void RequirePython()
    {
        var path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator);
        if (!path.Any(p => File.Exists(Path.Combine(p, "python3"))))
        {
            Assert.Ignore("python3 is not on PATH: the stdout-only clients are Python scripts");
        }
    }
}
