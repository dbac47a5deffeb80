using TinyAgent.Harness.Recordings;
using TinyAgent.Harness.Tests.Recordings;

namespace TinyAgent.Harness.Tests.Commands;

[Parallelizable(ParallelScope.All)]
internal sealed class GenerateCommandTests
{
    [Test]
    public async Task Generate_is_deterministic_for_a_seed_and_its_output_loads()
    {
        using var a = new TempFolder();
        using var b = new TempFolder();
        var first = await CommandKit.RunAsync(a.Path, "generate", "--out", "gen", "--count", "4", "--seed", "42", "--words", "60", "--tools", "--thinking");
        var second = await CommandKit.RunAsync(b.Path, "generate", "--out", "gen", "--count", "4", "--seed", "42", "--words", "60", "--tools", "--thinking");
        Assert.That(first.Exit, Is.EqualTo(0), first.Err);
        Assert.That(second.Exit, Is.EqualTo(0), second.Err);

        var files = Directory.GetFiles(Path.Combine(a.Path, "gen")).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToList();
        Assert.That(files, Has.Count.EqualTo(8), "4 bodies and 4 sidecars");
        foreach (string file in files)
        {
            Assert.That(File.ReadAllBytes(Path.Combine(b.Path, "gen", file)), Is.EqualTo(File.ReadAllBytes(Path.Combine(a.Path, "gen", file))), file);
        }

        var loaded = RecordingLoader.LoadGlob("gen/*.sse", a.Path);
        Assert.That(loaded, Has.Count.EqualTo(4));
        Assert.That(loaded.Select(r => r.Expected.StopReason), Has.All.EqualTo("tool_use"), "--tools: every recording ends with tool calls");
        Assert.That(loaded.Select(r => r.Meta.Timeline), Has.All.Not.Null);
        Assert.That(first.Out, Does.Contain("generate: 4 recordings"));
    }

    [Test]
    public async Task Different_seeds_give_different_recordings()
    {
        using var dir = new TempFolder();
        await CommandKit.RunAsync(dir.Path, "generate", "--out", "one", "--count", "1", "--seed", "1");
        await CommandKit.RunAsync(dir.Path, "generate", "--out", "two", "--count", "1", "--seed", "2");
        byte[] one = File.ReadAllBytes(Directory.GetFiles(Path.Combine(dir.Path, "one"), "*.sse").Single());
        byte[] two = File.ReadAllBytes(Directory.GetFiles(Path.Combine(dir.Path, "two"), "*.sse").Single());
        Assert.That(one, Is.Not.EqualTo(two));
    }

    [TestCase(new[] { "generate", "--out", "x", "--count", "0" }, "--count: must be from 1 to 100000, not 0")]
    [TestCase(new[] { "generate", "--out", "x", "--words", "0" }, "--words: must be at least 1, not 0")]
    [TestCase(new[] { "generate", "--out", "x", "--seed", "many" }, "--seed")]
    [TestCase(new[] { "generate", "--count", "3" }, "--out")]
    public async Task Bad_generate_arguments_are_one_line_errors(string[] args, string expected)
    {
        using var dir = new TempFolder();
        var result = await CommandKit.RunAsync(dir.Path, args);
        CommandKit.AssertOneLineError(result, expected);
    }
}
