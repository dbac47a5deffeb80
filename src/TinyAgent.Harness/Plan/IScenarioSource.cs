using TinyAgent.Harness.Formats;

namespace TinyAgent.Harness.Plan;

/// <summary>Where the server gets its plans. Planning (faults) happens elsewhere; the server only replays.</summary>
internal interface IScenarioSource
{
    /// <summary>Whether <paramref name="scenario"/> exists (unknown ones get 404 <c>not_found_error</c>).</summary>
    bool Contains(string scenario);

    /// <summary>The plan for the <paramref name="attempt"/>-th request (1-based, counted by the server) to <paramref name="scenario"/>.</summary>
    bool TryGetPlan(string scenario, int attempt, out ReplayPlan plan);

    /// <summary>
    /// The plan for a request that arrived on <paramref name="format"/>'s path. Default: the plan whatever its format (the
    /// server answers 404 naming the right path when they differ); a source with recordings in several formats picks one
    /// in the request's.
    /// </summary>
    bool TryGetPlan(string scenario, int attempt, IWireFormat format, out ReplayPlan plan) => TryGetPlan(scenario, attempt, out plan);

    /// <summary>
    /// The event stream assembled into one JSON message for a <c>"stream": false</c> request.
    /// Default: the plan's own body; a source may return the unfaulted recording instead.
    /// </summary>
    ReadOnlyMemory<byte> MessageSourceFor(string scenario, ReplayPlan plan) => plan.Body;
}

/// <summary>A fixed set of scenarios, each with one plan per attempt (the last plan repeats). For tests and simple runs.</summary>
internal sealed class StaticScenarioSource : IScenarioSource
{
    private readonly Dictionary<string, IReadOnlyList<ReplayPlan>> _plans;

    public StaticScenarioSource(IReadOnlyDictionary<string, IReadOnlyList<ReplayPlan>> plans)
    {
        _plans = new Dictionary<string, IReadOnlyList<ReplayPlan>>(plans, StringComparer.Ordinal);
        foreach (var (name, list) in _plans)
        {
            if (list.Count == 0)
            {
                throw new ArgumentException($"Scenario '{name}' has no plan.", nameof(plans));
            }
        }
    }

    public static StaticScenarioSource Of(string scenario, params ReplayPlan[] plans) => new(new Dictionary<string, IReadOnlyList<ReplayPlan>> { [scenario] = plans });

    public bool Contains(string scenario) => _plans.ContainsKey(scenario);

    public bool TryGetPlan(string scenario, int attempt, out ReplayPlan plan)
    {
        if (!_plans.TryGetValue(scenario, out var list) || attempt < 1)
        {
            plan = null!;
            return false;
        }

        plan = list[Math.Min(attempt, list.Count) - 1];
        return true;
    }
}
