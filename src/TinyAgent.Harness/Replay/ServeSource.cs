using System.Collections.Concurrent;
using System.Globalization;
using TinyAgent.Harness.Config;
using TinyAgent.Harness.Formats;
using TinyAgent.Harness.Model;
using TinyAgent.Harness.Plan;
using TinyAgent.Harness.Plan.Faults;
using TinyAgent.Harness.Recordings;

namespace TinyAgent.Harness.Replay;

/// <summary>A request <c>serve</c> planned: which route and attempt, the plan, and the spec that plans it again.</summary>
internal sealed record ServedRequest(string Scenario, int Attempt, string FaultKind, PlanSpec Spec, ReplayPlan Plan);

/// <summary>
/// The scenarios of <c>serve</c>: every config scenario at <c>/s/{name}</c>, plus <c>chaos</c> (one fault per request,
/// picked by weight) or <c>replay</c> (one exact plan) when asked for. The n-th request to a route gets recording
/// <c>n mod count</c> (or the one fixed by <c>--recording</c>) and its own seed derived from the base seed, the route
/// and n, so the same requests in the same order get the same plans.
/// </summary>
internal sealed class ServeSource : IScenarioSource
{
    public const string Chaos = "chaos";
    public const string Replay = "replay";

    private readonly Dictionary<string, ScenarioConfig> _scenarios;
    private readonly IReadOnlyList<Recording> _recordings;
    private readonly Recording? _fixed;
    private readonly ChaosSpec? _chaos;
    private readonly (PlanSpec Spec, Recording Recording, ReplayPlan Plan)? _replay;
    private readonly int _seed;
    private readonly ConcurrentDictionary<(string, int), ServedRequest> _served = new();

    public ServeSource(IReadOnlyList<ScenarioConfig> scenarios, IReadOnlyList<Recording> recordings, Recording? fixedRecording, ChaosSpec? chaos, PlanSpec? replay, int seed)
    {
        _scenarios = scenarios.ToDictionary(s => s.Name, StringComparer.Ordinal);
        _recordings = recordings;
        _fixed = fixedRecording;
        _chaos = chaos;
        _seed = seed;
        if (replay is not null)
        {
            var recording = recordings.FirstOrDefault(r => r.Name == replay.Recording)
                ?? throw new HarnessInputException("--replay", $"recording '{replay.Recording}' is not one of the config's recordings (known: {string.Join(", ", recordings.Select(r => r.Name))})");
            _replay = (replay, recording, replay.Plan(recording, "--replay"));
        }
    }

    /// <summary>The route names, config scenarios first.</summary>
    public IEnumerable<string> Routes => _scenarios.Keys.Concat(_chaos is null ? [] : [Chaos]).Concat(_replay is null ? [] : [Replay]);

    public bool Contains(string scenario) =>
        _scenarios.ContainsKey(scenario) || (scenario == Chaos && _chaos is not null) || (scenario == Replay && _replay is not null);

    public bool TryGetPlan(string scenario, int attempt, out ReplayPlan plan) => TryGetPlan(scenario, attempt, null, out plan);

    /// <summary>The plan for a request on <paramref name="format"/>'s path: the route's recordings in that format take turns.</summary>
    public bool TryGetPlan(string scenario, int attempt, IWireFormat? format, out ReplayPlan plan)
    {
        var served = Plan(scenario, attempt, format);
        plan = served?.Plan!;
        if (served is not null)
        {
            _served[(scenario, attempt)] = served;
        }

        return served is not null;
    }

    /// <summary>What was planned for a request; removed once taken (the server reports each request once).</summary>
    public ServedRequest? Take(string scenario, int attempt) => _served.TryRemove((scenario, attempt), out var s) ? s : null;

    /// <summary>
    /// The wire formats a route serves (the formats of the recordings it goes round), in <see cref="WireFormats.All"/>
    /// order: what serve prints a base URL for.
    /// </summary>
    public IReadOnlyList<IWireFormat> FormatsOf(string route)
    {
        IEnumerable<Recording> recordings = route == Replay && _replay is { } replay ? [replay.Recording]
            : _fixed is not null ? [_fixed]
            : _scenarios.TryGetValue(route, out var config) && config.Recordings is { } globs && _recordings.Any(r => r.MatchesAny(globs))
                ? _recordings.Where(r => r.MatchesAny(globs))
                : _recordings;
        var formats = recordings.Select(r => r.Format).ToHashSet();
        return [.. WireFormats.All.Where(formats.Contains)];
    }

    /// <summary>
    /// Plans the <paramref name="attempt"/>-th request to a route (pure: the same inputs give the same plan). With a
    /// <paramref name="format"/>, the route's recordings in that format take turns (all of them when it has none: the
    /// server then answers 404 naming the path they are served on).
    /// </summary>
    public ServedRequest? Plan(string scenario, int attempt, IWireFormat? format = null)
    {
        if (scenario == Replay && _replay is { } replay)
        {
            return new ServedRequest(scenario, attempt, KindOf(replay.Spec.Faults), replay.Spec, replay.Plan);
        }

        int seed = StableHash.Of(_seed.ToString(CultureInfo.InvariantCulture), scenario, attempt.ToString(CultureInfo.InvariantCulture));
        IReadOnlyList<IFault> faults;
        IReadOnlyList<Recording> candidates = _recordings;
        int planAttempt = attempt;
        if (scenario == Chaos && _chaos is not null)
        {
            var entry = _chaos.Pick(new Random(seed));
            faults = entry.Fault is null ? [] : [entry.Fault];
            planAttempt = 1; // each chaos request stands alone: an http-error answers it
        }
        else if (_scenarios.TryGetValue(scenario, out var config))
        {
            faults = config.Faults;
            if (config.Recordings is { } globs)
            {
                candidates = [.. _recordings.Where(r => r.MatchesAny(globs))];
            }
        }
        else
        {
            return null;
        }

        candidates = candidates.Count > 0 ? candidates : _recordings;
        if (format is not null && candidates.Any(r => r.Format == format))
        {
            candidates = [.. candidates.Where(r => r.Format == format)];
        }

        var recording = _fixed ?? candidates[(attempt - 1) % candidates.Count];
        var plan = FaultPlanner.Plan(recording, faults, planAttempt, seed);
        var spec = PlanSpec.Of(plan, planAttempt, recording.Name);
        return new ServedRequest(scenario, attempt, KindOf(spec.Faults), spec, plan);
    }

    /// <summary>The fault kinds of a plan for the summary, chunking defaults left out (<c>none</c> when nothing else).</summary>
    private static string KindOf(IReadOnlyList<string> descriptions)
    {
        var kinds = descriptions.Select(d => d.Split('(', 2)[0]).Where(k => k != "per-frame").ToList();
        return kinds.Count == 0 ? "none" : string.Join('+', kinds);
    }
}
