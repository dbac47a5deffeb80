using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Kit = TinyAgent.Harness.Tests.Server.ServerTestKit;
using TinyAgent.Harness.Model;
using TinyAgent.Harness.Plan;
using TinyAgent.Harness.Recordings;
using TinyAgent.Harness.Replay;
using TinyAgent.Harness.Tests.Recordings;

namespace TinyAgent.Harness.Tests.Reliability;

/// <summary>Loopback by default, no credential in anything logged or saved, no path out of its folder.</summary>
internal sealed class SecurityTests
{
    private const string Secret = "sk-ant-api03-TOPSECRET-reliability";

    [Test]
    public async Task The_server_binds_127_0_0_1_by_default_without_a_warning()
    {
        using var warnings = new StringWriter();
        await using var server = await Kit.StartAsync(StaticScenarioSource.Of("ok", Kit.PlanOf(Kit.TextStream(1), Kit.PerFrame)), new ReplayServerOptions { Warnings = warnings });

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

        var error = await Assert.ThrowsAsync<HarnessInputException>(() =>
            ReplayServer.StartAsync(options, StaticScenarioSource.Of("ok", Kit.PlanOf(Kit.TextStream(1), Kit.PerFrame)), TimeProvider.System, CancellationToken.None).WaitAsync(Kit.Bound));

        Assert.That(warnings.ToString().TrimEnd(), Is.EqualTo("warning: the replay server listens on 192.0.2.1, reachable from other machines; it serves recordings to anyone who connects."));
        Assert.That(error!.Message, Does.StartWith("The replay server could not listen on 192.0.2.1:45999: "));
        Assert.That(error.Message, Does.Not.Contain("\n"));
    }

    /// <summary>
    /// ASP.NET Core reads these variables to add Kestrel endpoints; serve must still listen on --port only. Every URL is
    /// loopback so a regression opens nothing reachable from outside. ASPNETCORE_URLS outranks ASPNETCORE_HTTP_PORTS in
    /// Kestrel, so port B is exercised through the Kestrel endpoint variable.
    /// </summary>
    [Test]
    [Platform(Include = "Linux")]
    public async Task Serve_listens_only_on_its_port_whatever_ASP_NET_Core_endpoint_variables_the_environment_holds()
    {
        var (port, urlsPort, otherPort) = ThreeFreeLoopbackPorts();
        var environment = new Dictionary<string, string>
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{urlsPort}",
            ["ASPNETCORE_HTTP_PORTS"] = $"{otherPort}",
            ["Kestrel__Endpoints__X__Url"] = $"http://127.0.0.1:{otherPort}",
        };
        string[] args = ["serve", "--config", Path.Combine(RepoPaths.RepoRoot, "harness.json"), "--port", $"{port}"];

        using var harness = HarnessProcess.Start(RepoPaths.RepoRoot, args, l => l.StartsWith("serve: listening on ", StringComparison.Ordinal), environment);
        string listening = await harness.AwaitedLine.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.That(listening, Is.EqualTo($"serve: listening on http://127.0.0.1:{port}"), harness.Log);

        using (var served = new TcpClient(AddressFamily.InterNetwork))
        {
            await served.ConnectAsync(IPAddress.Loopback, port).WaitAsync(Kit.Bound);
        }

        foreach (int unexpected in new[] { urlsPort, otherPort })
        {
            using var probe = new TcpClient(AddressFamily.InterNetwork);
            string because = $"port {unexpected} from the environment\n{harness.Log}";
            var refused = await Assert.ThrowsAsync<SocketException>(() => probe.ConnectAsync(IPAddress.Loopback, unexpected).WaitAsync(Kit.Bound), because);
            Assert.That(refused?.SocketErrorCode, Is.EqualTo(SocketError.ConnectionRefused), because);
        }

        await harness.SignalAsync("INT");
        await harness.Process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        Assert.That(harness.Process.ExitCode, Is.Zero, harness.Log);
    }

    /// <summary>Held open together so the three differ; freed just before use, as any free-port pick is.</summary>
    private static (int, int, int) ThreeFreeLoopbackPorts()
    {
        var listeners = Enumerable.Range(0, 3).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            listeners.ForEach(l => l.Start());
            var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToList();
            return (ports[0], ports[1], ports[2]);
        }
        finally
        {
            listeners.ForEach(l => l.Dispose());
        }
    }

    [Test]
    public async Task No_credential_reaches_the_request_log_or_the_evidence()
    {
        await using var server = await Kit.StartAsync(
            StaticScenarioSource.Of("ok", Kit.PlanOf(Kit.TextStream(2), Kit.PerFrame)),
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
        var error = Assert.Throws<HarnessInputException>(() => RecordingLoader.LoadGlob("../**/*.sse", dir.Path));
        Assert.That(error!.Message, Is.EqualTo($"../**/*.sse: a recordings glob must stay inside '{dir.Path}' (no '..' and no absolute path)"));
        Assert.Throws<HarnessInputException>(() => RecordingLoader.LoadGlob("/etc/**/*.sse", dir.Path));
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

        var error = Assert.Throws<HarnessInputException>(() => RecordingLoader.LoadGlob("recordings/*.sse", dir.Path));

        Assert.That(error!.Message, Is.EqualTo($"recordings/link.sse: symbolic link leads outside the recordings folder '{dir.Path}'"));
    }
}
