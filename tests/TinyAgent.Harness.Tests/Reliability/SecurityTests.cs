using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using TinyAgent.Harness.Recordings;
using TinyAgent.Harness.Server;
using TinyAgent.Harness.Tests.Recordings;
using Kit = TinyAgent.Harness.Tests.Server.ServerTestKit;

namespace TinyAgent.Harness.Tests.Reliability;

/// <summary>Loopback by default, no credential in anything logged or saved, no path out of its folder.</summary>
internal sealed class SecurityTests
{
    private const string Secret = "sk-ant-api03-TOPSECRET-reliability";

    [Test]
    public async Task The_server_binds_127_0_0_1_by_default_without_a_warning()
    {
        using var warnings = new StringWriter();
        await using var server = await Kit.StartAsync(StaticScenarioSource.Of("ok", Kit.Plan(Kit.TextStream(1), Kit.PerFrame)), new ReplayServerOptions { Warnings = warnings });

        Assert.That(server.BaseUrl.Host, Is.EqualTo("127.0.0.1"));
        Assert.That(IPAddress.IsLoopback(IPAddress.Parse(server.BaseUrl.Host)), Is.True);
        Assert.That(warnings.ToString(), Is.Empty);
    }

    [Test]
    public async Task Another_address_is_used_only_when_asked_and_prints_a_warning_first()
    {
        // 192.0.2.1 (TEST-NET-1) is on no interface: the warning is printed, then binding fails in one line; nothing is exposed.
        using var warnings = new StringWriter();
        var options = new ReplayServerOptions { Host = "192.0.2.1", Port = 45999, Warnings = warnings };

        var error = await Assert.ThrowsAsync<ReplayServerException>(() =>
            ReplayServer.StartAsync(options, StaticScenarioSource.Of("ok", Kit.Plan(Kit.TextStream(1), Kit.PerFrame)), TimeProvider.System, CancellationToken.None).WaitAsync(Kit.Bound));

        Assert.That(warnings.ToString().TrimEnd(), Is.EqualTo("warning: the replay server listens on 192.0.2.1, reachable from other machines; it serves recordings to anyone who connects."));
        Assert.That(error!.Message, Does.StartWith("The replay server could not listen on 192.0.2.1:45999: "));
        Assert.That(error.Message, Does.Not.Contain("\n"));
    }

    [Test]
    public async Task No_credential_reaches_the_request_log_or_the_evidence()
    {
        await using var server = await Kit.StartAsync(
            StaticScenarioSource.Of("ok", Kit.Plan(Kit.TextStream(2), Kit.PerFrame)),
            new ReplayServerOptions { RedactHeaders = ["x-team-token"] });
        using var client = Kit.Client();
        var request = Kit.Messages(server.ScenarioUrl("ok"));
        request.Headers.Remove("x-api-key");
        request.Headers.Add("x-api-key", Secret);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Secret);
        request.Headers.Add("cookie", $"session={Secret}");
        request.Headers.Add("x-team-token", Secret);
        using (var response = await Kit.SendAsync(client, request))
        {
            await Kit.ReadAllAsync(response);
        }

        var evidence = await server.WaitForCompletionAsync("ok", 1, CancellationToken.None).WaitAsync(Kit.Bound);
        var log = server.RequestLog;
        string logged = JsonSerializer.Serialize(log) + JsonSerializer.Serialize(evidence);
        var headers = log.Single().Headers.ToDictionary(h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase);

        Assert.Multiple(() =>
        {
            Assert.That(logged, Does.Not.Contain("TOPSECRET"));
            Assert.That(headers["x-api-key"], Is.EqualTo(HeaderRedactor.Redacted));
            Assert.That(headers["authorization"], Is.EqualTo(HeaderRedactor.Redacted));
            Assert.That(headers["cookie"], Is.EqualTo(HeaderRedactor.Redacted));
            Assert.That(headers["x-team-token"], Is.EqualTo(HeaderRedactor.Redacted), "a header named in config is redacted too");
            Assert.That(headers["anthropic-version"], Is.EqualTo("2023-06-01"), "other headers are kept");
        });
    }

    [Test]
    public void A_saved_recording_never_contains_a_credential_header()
    {
        using var dir = new TempFolder();
        var meta = RecordingMeta.Default with
        {
            Headers = [new("content-type", "text/event-stream"), new("x-api-key", Secret), new("Authorization", "Bearer " + Secret), new("set-cookie", Secret)],
        };

        RecordingWriter.Write(dir.File("r.sse"), Kit.TextStream(1), meta);

        string saved = File.ReadAllText(dir.File("r.meta.json")) + Encoding.UTF8.GetString(File.ReadAllBytes(dir.File("r.sse")));
        Assert.That(saved, Does.Not.Contain("TOPSECRET"));
        Assert.That(saved, Does.Contain("text/event-stream"));
    }

    [Test]
    public void A_config_glob_climbing_out_of_its_folder_is_refused_before_any_file_is_read()
    {
        using var dir = new TempFolder();
        var error = Assert.Throws<RecordingException>(() => RecordingLoader.LoadGlob("../**/*.sse", dir.Path));
        Assert.That(error!.Message, Is.EqualTo($"../**/*.sse: a recordings glob must stay inside '{dir.Path}' (no '..' and no absolute path)"));
        Assert.Throws<RecordingException>(() => RecordingLoader.LoadGlob("/etc/**/*.sse", dir.Path));
    }

    [Test]
    [Platform(Include = "Linux")]
    public void A_symbolic_link_out_of_the_recordings_folder_is_refused()
    {
        using var outside = new TempFolder();
        using var dir = new TempFolder();
        File.Copy(Path.Combine(RepoPaths.RecordingsFolder, "text-short.sse"), outside.File("secret.sse"));
        Directory.CreateDirectory(dir.File("recordings"));
        File.CreateSymbolicLink(dir.File("recordings/link.sse"), outside.File("secret.sse"));

        var error = Assert.Throws<RecordingException>(() => RecordingLoader.LoadGlob("recordings/*.sse", dir.Path));

        Assert.That(error!.Message, Is.EqualTo($"recordings/link.sse: symbolic link leads outside the recordings folder '{dir.Path}'"));
    }
}
