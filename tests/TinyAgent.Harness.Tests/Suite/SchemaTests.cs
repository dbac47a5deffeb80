using System.Text.Json;
using TinyAgent.Harness.Config;
using TinyAgent.Harness.Plan.Faults;
using TinyAgent.Harness.Tests.Recordings;

namespace TinyAgent.Harness.Tests.Suite;

/// <summary>harness.schema.json is hand-written for editors; these tests keep it in step with the code.</summary>
internal sealed class SchemaTests
{
    private static JsonElement Schema() => JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.RepoRoot, "harness.schema.json"))).RootElement;

    [Test]
    public void Every_registered_fault_kind_and_option_is_in_the_schema()
    {
        var faults = Schema().GetProperty("properties").GetProperty("scenarios").GetProperty("items").GetProperty("properties")
            .GetProperty("faults").GetProperty("items").GetProperty("oneOf").EnumerateArray()
            .ToDictionary(
                f => f.GetProperty("properties").GetProperty("kind").GetProperty("const").GetString()!,
                f => f.GetProperty("properties").EnumerateObject().Select(p => p.Name).Where(n => n != "kind").Order().ToList());

        Assert.That(faults.Keys.Order(), Is.EqualTo(FaultRegistry.Kinds.Select(k => k.Kind).Order()));
        foreach (var kind in FaultRegistry.Kinds)
        {
            Assert.That(faults[kind.Kind], Is.EqualTo(kind.Options.Select(o => o.Name).Order().ToList()), kind.Kind);
        }
    }

    [Test]
    public void The_schema_lists_the_config_loaders_top_level_properties_and_the_checked_in_suite_loads()
    {
        var properties = Schema().GetProperty("properties").EnumerateObject().Select(p => p.Name).Where(n => n != "$schema").ToList();
        var config = ConfigLoader.Load(Path.Combine(RepoPaths.RepoRoot, "harness.json"));
        Assert.That(properties, Is.SupersetOf(new[] { "seed", "recordings", "scenarios", "clients", "consumers", "timeouts", "parallelism", "reports", "expectations", "redactHeaders" }));
        Assert.That(config.Scenarios, Has.Count.GreaterThanOrEqualTo(12));
        Assert.That(config.Clients.Select(c => c.Name), Is.EquivalentTo(new[] { "tinyagent", "naive-split", "naive-truncation", "naive-ghost", "openai-chat", "openai-responses" }));
    }
}
