using System.Collections.Concurrent;
using TinyAgent.Harness.Plan.Faults;
using TinyAgent.Harness.Recordings;

namespace TinyAgent.Harness.Plan;

/// <summary>
/// A lazy planner: one key per run on the replay server, its first attempt planned ahead (so the runner knows the
/// scripted waits before the client starts), each later attempt planned when the server asks for it.
/// </summary>
internal sealed class LazyPlanner : IScenarioSource
{
    private readonly ConcurrentDictionary<string, Binding> _bindings = new(StringComparer.Ordinal);

    /// <summary>Binds a key and plans its first attempt now, so the runner knows the plan's scripted waits before the client starts.</summary>
    public ReplayPlan Bind(string key, Recording recording, IReadOnlyList<IFault> faults, int seed)
    {
        var first = FaultPlanner.Plan(recording, faults, 1, seed);
        _bindings[key] = new Binding(recording, faults, seed, first);
        return first;
    }

    public void Forget(string key) => _bindings.TryRemove(key, out _);

    public bool TryGetPlan(string scenario, int attempt, out ReplayPlan plan)
    {
        if (!_bindings.TryGetValue(scenario, out var binding))
        {
            plan = null!;
            return false;
        }

        plan = attempt == 1 ? binding.First : FaultPlanner.Plan(binding.Recording, binding.Faults, attempt, binding.Seed);
        return true;
    }

    public bool Contains(string scenario) => _bindings.ContainsKey(scenario);

    /// <summary>A <c>"stream": false</c> request gets the unfaulted recording assembled into one message.</summary>
    public ReadOnlyMemory<byte> MessageSourceFor(string scenario, ReplayPlan plan) =>
        _bindings.TryGetValue(scenario, out var b) ? b.Recording.Body : plan.Body;

    private sealed record Binding(Recording Recording, IReadOnlyList<IFault> Faults, int Seed, ReplayPlan First);
}
