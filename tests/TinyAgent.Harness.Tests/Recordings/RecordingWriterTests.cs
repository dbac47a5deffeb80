using System.Text;
using TinyAgent.Harness.Recordings;
using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Tests.Recordings;

internal sealed class RecordingWriterTests
{
    [Test]
    public void Written_recording_loads_back_byte_for_byte_with_its_sidecar()
    {
        using var dir = new TempFolder();
        var source = RecordingLoader.Load("text-long-cjk.sse", RepoPaths.RecordingsFolder);
        string path = dir.File("copy.sse");

        string? sidecar = RecordingWriter.Write(path, source.Body, source.Meta);

        Assert.That(sidecar, Is.EqualTo(dir.File("copy.meta.json")));
        var copy = RecordingLoader.Load(path, dir.Path);
        Assert.That(copy.Body, Is.EqualTo(source.Body));
        Assert.That(copy.Meta.Status, Is.EqualTo(source.Meta.Status));
        Assert.That(copy.Meta.Headers, Is.EqualTo(source.Meta.Headers));
        Assert.That(copy.Meta.Timeline, Is.EqualTo(source.Meta.Timeline));
    }

    [Test]
    public void Overwriting_leaves_only_the_final_files_and_no_temp_files()
    {
        using var dir = new TempFolder();
        string path = dir.File("r.sse");
        for (int i = 0; i < 3; i++)
        {
            var g = RecordingGenerator.Generate(new GeneratorOptions { Seed = i }, 0);
            RecordingWriter.Write(path, g.Body, g.Meta);
        }

        Assert.That(Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order(), Is.EqualTo(new[] { "r.meta.json", "r.sse" }));
        Assert.That(File.ReadAllBytes(path), Is.EqualTo(RecordingGenerator.Generate(new GeneratorOptions { Seed = 2 }, 0).Body));
    }

    [Test]
    public void Failed_write_removes_its_temp_file_and_keeps_the_old_file()
    {
        using var dir = new TempFolder();
        string path = dir.File("r.sse");
        File.WriteAllText(path, "old");
        Directory.CreateDirectory(dir.File("r.meta.json")); // the rename onto a folder must fail

        Assert.That(() => RecordingWriter.Write(path, "new"u8, RecordingMeta.Default), Throws.InstanceOf<IOException>().Or.InstanceOf<UnauthorizedAccessException>());
        Assert.That(Directory.GetFiles(dir.Path).Select(Path.GetFileName), Is.EqualTo(new[] { "r.sse" }));
        Assert.That(File.ReadAllText(path), Is.EqualTo("new"), "the body was renamed into place before the sidecar failed");
    }

    [Test]
    public void Recording_without_sidecar_writes_only_the_body()
    {
        using var dir = new TempFolder();
        Assert.That(RecordingWriter.Write(dir.File("a.sse"), "x"u8, null), Is.Null);
        Assert.That(Directory.GetFiles(dir.Path).Select(Path.GetFileName), Is.EqualTo(new[] { "a.sse" }));
    }

    [Test]
    public void A_name_without_the_sse_extension_is_refused()
    {
        using var dir = new TempFolder();
        var ex = Assert.Throws<HarnessInputException>(() => RecordingWriter.Write(dir.File("a.txt"), "x"u8, null));
        Assert.That(ex!.Message, Is.EqualTo($"{dir.File("a.txt")}: a recording's file name must end with .sse"));
    }

    [Test]
    public void Sidecar_json_has_one_timeline_chunk_per_line()
    {
        var meta = new RecordingMeta(200, [new("request-id", "req_1")], [new(0, 0), new(10, 12.5)]);
        string json = Encoding.UTF8.GetString(RecordingWriter.SerializeMeta(meta));

        Assert.That(json, Is.EqualTo("{\n  \"status\": 200,\n  \"headers\": {\n    \"request-id\": \"req_1\"\n  },\n  \"timeline\": [\n    {\"offset\":0,\"atMs\":0},\n    {\"offset\":10,\"atMs\":12.5}\n  ]\n}\n"));
    }
}

internal sealed class RecordingWriterRedactionTests
{
    [Test]
    public void Secret_headers_are_never_saved_in_the_sidecar()
    {
        using var dir = new TempFolder();
        var meta = new RecordingMeta(200,
            [new("content-type", "text/event-stream"), new("X-Api-Key", "sk-ant-secret-1"), new("set-cookie", "s=sk-ant-secret-2"), new("x-team-token", "sk-ant-secret-3")],
            null);

        RecordingWriter.Write(dir.File("r.sse"), "x"u8, meta, redactHeaders: ["X-Team-Token"]);

        string saved = File.ReadAllText(dir.File("r.meta.json"));
        Assert.That(saved, Does.Not.Contain("sk-ant"));
        var headers = RecordingLoader.ParseSidecar("r.meta.json", File.ReadAllBytes(dir.File("r.meta.json")), 1).Headers;
        Assert.That(headers, Is.EqualTo(new KeyValuePair<string, string>[]
        {
            new("content-type", "text/event-stream"), new("X-Api-Key", "[redacted]"), new("set-cookie", "[redacted]"), new("x-team-token", "[redacted]"),
        }));
    }
}
