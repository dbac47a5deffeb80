using TinyAgent.Harness.Model;
using TinyAgent.Harness.Plan.Faults;

namespace TinyAgent.Harness.Config;

/// <summary>A named list of faults and the consumer model that runs under them.</summary>
/// <param name="Recordings">Globs restricting which recordings the scenario applies to (null: all of the suite's).</param>
internal sealed record ScenarioConfig(
    string Name,
    IReadOnlyList<IFault> Faults,
    IReadOnlyList<string> FaultDescriptions,
    ConsumerModel Consumer,
    IReadOnlyList<string>? Recordings)
{
    /// <summary>The recordings exec clients run this scenario on (null: the config's <c>execRecordings</c>); see <see cref="ExecSample"/>.</summary>
    public IReadOnlyList<string>? ExecRecordings { get; init; }

    /// <summary>Whether the scenario runs on <paramref name="recording"/> (every recording unless it names some).</summary>
    public bool AppliesTo(Recordings.Recording recording) => Recordings is null || recording.MatchesAny(Recordings);

    /// <summary>The control scenario's name: the runner adds it when the config does not list it.</summary>
    public const string ControlName = "baseline";

    /// <summary>
    /// The control: every recording with no fault, one frame per read with quiet time between frames, so that no read
    /// (not even one cut by the client's own buffer size) ends inside a frame.
    /// </summary>
    public static ScenarioConfig Control { get; } = MakeControl();

    private static ScenarioConfig MakeControl()
    {
        var paced = new PerFrameChunkingFault(new PerFrameChunkingOptions { Paced = true });
        return new ScenarioConfig(ControlName, [paced], [FaultRegistry.Describe(paced)], ConsumerModel.ReadAll, null);
    }
}

/// <summary>A client under test: a built-in name, or an <c>exec</c> command line (issue 5's contract).</summary>
/// <param name="Format">The wire format it speaks (<see cref="Formats.WireFormats"/>): it runs only on recordings in that format.</param>
internal sealed record ClientConfig(string Name, string? Exec, string? WorkingDirectory, string Format = "anthropic");

/// <summary>The parsed, validated <c>harness.json</c>. Paths are resolved against <see cref="BaseDirectory"/>.</summary>
internal sealed record HarnessConfig
{
    public required string File { get; init; }
    public required string BaseDirectory { get; init; }

    /// <summary>The default suite embedded in the harness (no harness.json in the working directory); <see cref="BaseDirectory"/> is then the working directory.</summary>
    public bool Embedded { get; init; }

    /// <summary>How messages and the summary name this config: its file name, or "the embedded suite".</summary>
    public string Shown => Embedded ? EmbeddedSuite.DisplayName : File;
    public int Seed { get; init; } = 1;
    public required IReadOnlyList<string> Recordings { get; init; }

    /// <summary>The recordings exec clients run each scenario on, unless the scenario names its own (null: all); see <see cref="ExecSample"/>.</summary>
    public IReadOnlyList<string>? ExecRecordings { get; init; }
    public required IReadOnlyList<ScenarioConfig> Scenarios { get; init; }
    public required IReadOnlyList<ClientConfig> Clients { get; init; }
    public required RunTimeouts Timeouts { get; init; }
    public int Parallelism { get; init; } = 16;
    public IReadOnlyList<string> ReportFormats { get; init; } = ReportFormatNames;
    public string OutDirectory { get; init; } = "reports";

    /// <summary>client -> bug -> the verdict the client must get.</summary>
    public required IReadOnlyDictionary<string, IReadOnlyDictionary<string, Verdict>> Expectations { get; init; }

    /// <summary>Header names (besides x-api-key, authorization, cookie) to redact wherever requests are logged or saved.</summary>
    public IReadOnlyList<string> RedactHeaders { get; init; } = [];

    public static IReadOnlyList<string> ReportFormatNames { get; } = ["json", "junit", "md", "html"];
}
