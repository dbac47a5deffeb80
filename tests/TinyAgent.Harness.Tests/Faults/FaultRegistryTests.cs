using TinyAgent.Harness.Plan.Faults;
using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Tests.Faults;

internal sealed class FaultRegistryTests
{
    private const string Path = "scenarios[2].faults[0]";

    [Test]
    public void Registry_discovers_every_fault_kind_with_its_stage_and_defaults()
    {
        Assert.That(FaultRegistry.Kinds.Select(k => k.Kind), Is.EqualTo(new[]
        {
            "bandwidth", "bom", "bytewise", "done-marker", "drop", "error-event", "fixed", "garbage", "http-error", "latency", "line-endings", "max-tokens",
            "pause", "per-frame", "random", "recorded", "slow-close", "split", "stall", "tool-cut",
        }));
        var random = FaultRegistry.Find("random")!;
        Assert.That(random.Stage, Is.EqualTo(FaultStage.Chunking));
        Assert.That(random.Options.Select(o => (o.Name, o.Default)), Is.EqualTo(new[] { ("min", (object?)1), ("max", 64) }));
    }

    [Test]
    public void Json_object_creates_the_fault_with_its_options()
    {
        var fault = FaultRegistry.FromJson("""{"kind":"split","kinds":["utf8"],"fraction":0.5}""", Path);

        Assert.That(fault, Is.TypeOf<SplitFault>());
        Assert.That(FaultRegistry.Describe(fault), Is.EqualTo("split(kinds=utf8,fraction=0.5)"));
    }

    [TestCase("""{"kind":"fixed","size":0}""", "scenarios[2].faults[0].size: must be at least 1")]
    [TestCase("""{"kind":"random","min":5,"max":2}""", "scenarios[2].faults[0].max: must be at least min (5)")]
    [TestCase("""{"kind":"split","fraction":1.5}""", "scenarios[2].faults[0].fraction: must be between 0 and 1")]
    [TestCase("""{"kind":"split","kinds":["utf9"]}""", "scenarios[2].faults[0].kinds: unknown split kind 'utf9' (known: field-name, after-data-colon, json, utf8, crlf, frame-end)")]
    [TestCase("""{"kind":"latency","firstByteMs":-1}""", "scenarios[2].faults[0].firstByteMs: must not be negative")]
    [TestCase("""{"kind":"fixed","size":"big"}""", "scenarios[2].faults[0].size: must be an integer")]
    [TestCase("""{"kind":"fixed","sise":4}""", "scenarios[2].faults[0].sise: unknown option of 'fixed' (known: size)")]
    [TestCase("""{"kind":"bytewise","size":4}""", "scenarios[2].faults[0].size: unknown option of 'bytewise' (it has no options)")]
    [TestCase("""{"kind":"drop","mode":"rst"}""", "scenarios[2].faults[0].mode: must be one of reset, clean-close")]
    [TestCase("""{"kind":"http-error","status":200}""", "scenarios[2].faults[0].status: must be an error status, 400 to 599")]
    [TestCase("""{"kind":"stall","everyMs":true}""", "scenarios[2].faults[0].everyMs: must be an integer")]
    [TestCase("""{"size":4}""", "scenarios[2].faults[0].kind: missing (known kinds: bandwidth, bom, bytewise, done-marker, drop, error-event, fixed, garbage, http-error, latency, line-endings, max-tokens, pause, per-frame, random, recorded, slow-close, split, stall, tool-cut)")]
    [TestCase("""{"kind":"slicer"}""", "scenarios[2].faults[0].kind: unknown fault kind 'slicer' (known: bandwidth, bom, bytewise, done-marker, drop, error-event, fixed, garbage, http-error, latency, line-endings, max-tokens, pause, per-frame, random, recorded, slow-close, split, stall, tool-cut)")]
    [TestCase("""[1]""", "scenarios[2].faults[0]: must be an object with a \"kind\"")]
    public void Bad_json_gives_a_one_line_error_naming_the_field(string json, string message)
    {
        Assert.That(() => FaultRegistry.FromJson(json, Path), Throws.TypeOf<HarnessInputException>().With.Message.EqualTo(message));
    }

    [TestCase("fixed:size=0", "--chunking.size: must be at least 1")]
    [TestCase("random:min=a", "--chunking.min: 'a' is not an integer")]
    [TestCase("split:fraction=x", "--chunking.fraction: 'x' is not a number")]
    [TestCase("drop:midFrame=yes", "--chunking.midFrame: 'yes' must be true or false")]
    [TestCase("random:min", "--chunking: 'min' is not name=value")]
    [TestCase("random(min=1", "--chunking: 'random(min=1' is missing its closing ')'")]
    public void Bad_compact_spec_gives_a_one_line_error(string spec, string message)
    {
        Assert.That(() => FaultRegistry.Parse(spec, "--chunking"), Throws.TypeOf<HarnessInputException>().With.Message.EqualTo(message));
    }

    [TestCase("random:min=1,max=64", "random(min=1,max=64)")]
    [TestCase("split:kinds=utf8+crlf,fraction=0.5", "split(kinds=utf8+crlf,fraction=0.5)")]
    [TestCase("bytewise", "bytewise")]
    [TestCase("fixed", "fixed(size=64)")]
    [TestCase("error-event:afterEvents=3,type=api_error", "error-event(type=api_error,message=Overloaded,afterEvents=3)")]
    [TestCase("http-error:status=429,retryAfterSeconds=2,shouldRetry=false", "http-error(status=429,attempts=1,retryAfterSeconds=2,shouldRetry=false)")]
    [TestCase("error-event:message=\"Overloaded, try (later)\"", "error-event(type=overloaded_error,message=\"Overloaded, try (later)\")")]
    [TestCase("latency:jitterMs=0", "latency(firstByteMs=300,betweenChunksMs=20,jitterMs=0)")]
    public void Compact_spec_gives_the_canonical_description_and_the_description_parses_back(string spec, string description)
    {
        var fault = FaultRegistry.Parse(spec, "--chaos");
        string described = FaultRegistry.Describe(fault);
        var again = FaultRegistry.Parse(described, "--chaos");

        Assert.That(described, Is.EqualTo(description));
        Assert.That(FaultRegistry.Describe(again), Is.EqualTo(described));
        Assert.That(again.GetType(), Is.EqualTo(fault.GetType()));
    }

    [Test]
    public void Every_kind_round_trips_through_its_default_description()
    {
        foreach (var kind in FaultRegistry.Kinds)
        {
            string description = FaultRegistry.Describe(FaultRegistry.Parse(kind.Kind, "x"));

            Assert.That(FaultRegistry.Describe(FaultRegistry.Parse(description, "x")), Is.EqualTo(description), kind.Kind);
            Assert.That(FaultRegistry.Describe(FaultRegistry.FromJson($$"""{"kind":"{{kind.Kind}}"}""", "x")), Is.EqualTo(description), kind.Kind);
        }
    }
}
