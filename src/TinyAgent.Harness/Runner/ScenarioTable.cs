using System.Collections.Concurrent;
using TinyAgent.Harness.Faults;
using TinyAgent.Harness.Recordings;
using TinyAgent.Harness.Replay;
using TinyAgent.Harness.Server;

namespace TinyAgent.Harness.Runner;

/// <summary>The runner's scenarios on the replay server: one key per run, planned on demand per attempt.</summary>
internal sealed class ScenarioTable : IScenarioSource
{
    private readonly ConcurrentDictionary<string, Binding> _bindings = new(StringComparer.Ordinal);

    public void Bind(string key, Recording recording, IReadOnlyList<IFault> faults, int seed) =>
        _bindings[key] = new Binding(recording, faults, seed);

    public void Forget(string key) => _bindings.TryRemove(key, out _);

    public ReplayPlan? LastPlan(string key) => _bindings.TryGetValue(key, out var b) ? b.LastPlan : null;

    public bool TryGetPlan(string scenario, int attempt, out ReplayPlan plan)
    {
        if (!_bindings.TryGetValue(scenario, out var binding))
        {
            plan = null!;
            return false;
        }

        plan = FaultPlanner.Plan(binding.Recording, binding.Faults, attempt, binding.Seed);
        binding.LastPlan = plan; // attempts arrive one after another for a run; the server counts them

        return true;
    }

    public bool Contains(string scenario) => _bindings.ContainsKey(scenario);

    /// <summary>A <c>"stream": false</c> request gets the unfaulted recording assembled into one message.</summary>
    public ReadOnlyMemory<byte> MessageSourceFor(string scenario, ReplayPlan plan) =>
        _bindings.TryGetValue(scenario, out var b) ? b.Recording.Body : plan.Body;

    private sealed class Binding(Recording recording, IReadOnlyList<IFault> faults, int seed)
    {
        public Recording Recording { get; } = recording;
        public IReadOnlyList<IFault> Faults { get; } = faults;
        public int Seed { get; } = seed;
        public ReplayPlan? LastPlan { get; set; }
    }
}
