namespace TinyAgent.Harness.Plan.Faults;

/// <summary>
/// When a fault runs while a plan is built. Faults of a scenario are applied in stage order
/// (then in the order written), so composition does not depend on how a config lists them.
/// </summary>
internal enum FaultStage
{
    /// <summary>Replaces the whole response (e.g. an HTTP error status for the first attempts).</summary>
    Response = 0,

    /// <summary>Rewrites the body's bytes (inject an error event, end with max_tokens, truncate).</summary>
    Content = 1,

    /// <summary>
    /// Re-encodes the finished content the way gateways and proxies do (line endings, a trailing <c>[DONE]</c>):
    /// after every content rewrite, so what they add is never cut away and their facts stay true.
    /// </summary>
    Wire = 2,

    /// <summary>
    /// Inserts frames that carry time (a pause held open by pings) with their cuts and waits: the last change to the
    /// body, because cuts made before a body change would be meaningless.
    /// </summary>
    Pacing = 3,

    /// <summary>Decides chunk boundaries (fixed, random, bytewise, per-frame, recorded).</summary>
    Chunking = 4,

    /// <summary>Adds protocol-aware cuts that must reach the client as separate reads (and a leading BOM, which shifts them all).</summary>
    Split = 5,

    /// <summary>Adds waits (latency, jitter, bandwidth) and how the response ends (stall, slow close).</summary>
    Timing = 6,
}

/// <summary>
/// One fault: a transformation of the planned response. One file per fault, each with its options
/// record (units beside each field) and a <see cref="FaultAttribute"/> that registers it and names its stage.
/// Faults never touch the network: the server replays the finished plan. Derive from <see cref="Fault{TOptions}"/>.
/// </summary>
internal interface IFault
{
    /// <summary>When the fault runs: the stage its <see cref="FaultAttribute"/> names.</summary>
    FaultStage Stage { get; }

    /// <summary>The options this fault was made with; the registry describes a fault from its kind and these.</summary>
    IFaultOptions Options { get; }

    /// <summary>Changes <paramref name="plan"/>. Randomness comes only from <see cref="PlanBuilder.Random"/>.</summary>
    void Apply(PlanBuilder plan);
}

/// <summary>What every fault shares (its options, its stage from the attribute), so a fault's file holds only what differs.</summary>
internal abstract class Fault<TOptions>(TOptions options) : IFault
    where TOptions : IFaultOptions
{
    public FaultStage Stage => FaultAttribute.Of(GetType()).Stage;

    /// <summary>The options this fault was made with, validated by the registry.</summary>
    public TOptions Options { get; } = options;

    IFaultOptions IFault.Options => Options;

    public abstract void Apply(PlanBuilder plan);
}

/// <summary>Options of a fault; <see cref="Validate"/> yields <c>field: what is wrong</c> for each bad value (none when there is nothing to check).</summary>
internal interface IFaultOptions
{
    IEnumerable<string> Validate() => [];

    /// <summary><c>field: must be one of a, b</c> when <paramref name="value"/> is not one of <paramref name="allowed"/>.</summary>
    static IEnumerable<string> OneOf(string field, string value, IReadOnlyList<string> allowed) =>
        allowed.Contains(value) ? [] : [$"{field}: must be one of {string.Join(", ", allowed)}"];
}

/// <summary>
/// Registers a fault class under its config name and says when it runs. The class has one constructor taking its
/// options record.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
internal sealed class FaultAttribute(string kind, Type optionsType, FaultStage stage) : Attribute
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, FaultAttribute> ByType = new();

    /// <summary>The name used in <c>harness.json</c> and on the command line, e.g. <c>split</c>.</summary>
    public string Kind { get; } = kind;

    public Type OptionsType { get; } = optionsType;

    /// <summary>When the fault runs while a plan is built (<see cref="FaultStage"/>).</summary>
    public FaultStage Stage { get; } = stage;

    /// <summary>The attribute of a fault class (read once per class).</summary>
    public static FaultAttribute Of(Type faultType) => ByType.GetOrAdd(faultType, t =>
        (FaultAttribute?)GetCustomAttribute(t, typeof(FaultAttribute), inherit: false)
        ?? throw new ArgumentException($"{t.Name} has no [Fault] attribute.", nameof(faultType)));
}
