using System.Diagnostics;
using System.Text.Json.Nodes;
using TinyAgent.Harness.Cli;
using TinyAgent.Harness.Tests.Recordings;

namespace TinyAgent.Harness.Tests.Exec;

/// <summary>
/// Runs a small suite through the real CLI (<c>run --config</c>) in a temporary folder: the given recordings are
/// copied next to a generated config whose clients are exec entries (or built-ins), and report.json is read back.
/// </summary>
internal static class ExecSuite
{
    /// <summary>The build configuration of this test assembly; referenced projects are built the same way.</summary>
    public static string Configuration =>
#if DEBUG
        "Debug";
#else
        "Release";
#endif

    /// <summary>The command line that runs a .NET project's output built alongside the tests.</summary>
    public static string DotnetCommand(string projectFolder, string assembly, string args = "")
    {
        string dll = Path.Combine(RepoPaths.RepoRoot, projectFolder, "bin", Configuration, "net10.0", assembly + ".dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} is missing: build {projectFolder} ({Configuration}) first");
        }

        return $"dotnet \"{dll}\" {args}".TrimEnd();
    }

    /// <summary>The test client (copied beside the tests by its project reference) in the given mode.</summary>
    public static string TestClient(string mode) =>
        $"dotnet \"{Path.Combine(AppContext.BaseDirectory, "TinyAgent.ExecTestClient.dll")}\" {mode}";

    /// <summary>Runs the suite; returns the parsed report and the CLI's exit code and output.</summary>
    public static async Task<SuiteRun> RunAsync(
        IReadOnlyList<string> recordings,
        IReadOnlyList<JsonObject> scenarios,
        IReadOnlyList<JsonObject> clients,
        int deadlineMs = 20000,
        int parallelism = 8)
    {
        using var folder = new TempFolder();
        foreach (string name in recordings)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(folder.File(name + ".sse"))!); // openai/chat-text keeps its folder
            File.Copy(Path.Combine(RepoPaths.RecordingsFolder, name + ".sse"), folder.File(name + ".sse"));
            string meta = Path.Combine(RepoPaths.RecordingsFolder, name + ".meta.json");
            if (File.Exists(meta))
            {
                File.Copy(meta, folder.File(name + ".meta.json"));
            }
        }

        var config = new JsonObject
        {
            ["seed"] = 7,
            ["recordings"] = new JsonArray([.. recordings.Select(r => (JsonNode)(r + ".sse"))]),
            ["parallelism"] = parallelism,
            ["timeouts"] = new JsonObject
            {
                ["firstByteMs"] = 3000,
                ["idleMs"] = 400,
                ["totalMs"] = 15000,
                ["deadlineMs"] = deadlineMs,
                // Wide: exec runs end at process exit, late on a loaded machine; a stall bug hangs to the deadline anyway.
                ["stallToleranceMs"] = 4000,
                ["ghostBoundMs"] = 500,
            },
            ["consumers"] = new JsonObject { ["give-up"] = new JsonObject { ["giveUpAfterDeltas"] = 3 } },
            ["scenarios"] = new JsonArray([.. scenarios.Select(s => (JsonNode)s.DeepClone())]),
            ["clients"] = new JsonArray([.. clients.Select(c => (JsonNode)c.DeepClone())]),
            ["reports"] = new JsonObject { ["formats"] = new JsonArray("json"), ["out"] = "out" },
        };
        string configPath = folder.File("harness.json");
        await File.WriteAllTextAsync(configPath, config.ToJsonString());

        var output = new StringWriter();
        var errors = new StringWriter();
        var context = new CliContext(output, errors, TimeProvider.System, folder.Path);
        var clock = Stopwatch.StartNew();
        // Exec runs start at most 2x the cores at once, so deadline-bound runs queue on a small machine: a wide bound.
        int exit = await HarnessCli.RunAsync(["run", "--config", configPath], context).WaitAsync(TimeSpan.FromMinutes(8));
        var wall = clock.Elapsed;
        string reportPath = folder.File(Path.Combine("out", "report.json"));
        var report = File.Exists(reportPath) ? JsonNode.Parse(await File.ReadAllTextAsync(reportPath))!.AsObject() : null;
        return new SuiteRun(exit, output.ToString(), errors.ToString(), report, wall);
    }

    public static JsonObject Scenario(string name, string faultsJson, string? consumer = null, params string[] recordings)
    {
        var s = new JsonObject { ["name"] = name, ["faults"] = JsonNode.Parse(faultsJson) };
        if (consumer is not null)
        {
            s["consumer"] = consumer;
        }

        if (recordings.Length > 0)
        {
            s["recordings"] = new JsonArray([.. recordings.Select(r => (JsonNode)r)]);
        }

        return s;
    }

    public static JsonObject ExecEntry(string name, string command, string? format = null)
    {
        var entry = new JsonObject { ["name"] = name, ["exec"] = command };
        if (format is not null)
        {
            entry["format"] = format;
        }

        return entry;
    }

    public static JsonObject BuiltIn(string name) => new() { ["name"] = name };
}

/// <summary>A finished suite: the CLI's exit code and output, and report.json.</summary>
internal sealed record SuiteRun(int ExitCode, string Out, string Err, JsonObject? Report, TimeSpan Wall)
{
    public JsonObject RequireReport() =>
        Report ?? throw new AssertionException($"no report.json (exit {ExitCode}); out: {Out}; err: {Err}");

    /// <summary>The suite-level verdict of a client for a bug.</summary>
    public string Verdict(string client, string bug) => Bug(client, bug)["verdict"]!.GetValue<string>();

    public string Evidence(string client, string bug) => Bug(client, bug)["evidence"]!.GetValue<string>();

    public IReadOnlyList<JsonObject> Runs(string client) =>
        [.. RequireReport()["runs"]!.AsArray().Select(r => r!.AsObject()).Where(r => r["client"]!.GetValue<string>() == client)];

    /// <summary>client -> bug -> verdict, for comparing two clients.</summary>
    public IReadOnlyDictionary<string, string> VerdictTable(string client) =>
        new[] { "split-packet", "silent-truncation", "ghost-stream", "stall" }.ToDictionary(b => b, b => Verdict(client, b));

    public string Describe(string client) =>
        string.Join(", ", VerdictTable(client).Select(kv => $"{kv.Key}={kv.Value}")) + " | " + string.Join("; ", Runs(client).Select(r => $"{r["id"]}: {r["outcome"]} {r["error"]} {Trim(r["stderr"])}"));

    private JsonObject Bug(string client, string bug)
    {
        var c = RequireReport()["clients"]!.AsArray().Select(x => x!.AsObject()).SingleOrDefault(x => x["name"]!.GetValue<string>() == client)
            ?? throw new AssertionException($"client '{client}' is not in the report");
        return c["bugs"]![bug]!.AsObject();
    }

    private static string Trim(JsonNode? node)
    {
        string s = node?.GetValue<string>() ?? "";
        return s.Length > 200 ? s[..200] : s;
    }
}
