using System.Net;
using System.Net.Sockets;
using TinyAgent.Harness.Model;
using TinyAgent.Harness.Plan;
using TinyAgent.Harness.Recordings;
using TinyAgent.Harness.Replay;
using TinyAgent.Harness.Tests.Recordings;

namespace TinyAgent.Harness.Tests.Commands;

[Parallelizable(ParallelScope.All)]
internal sealed class ServeCommandTests
{
    [Test]
    public async Task Serve_logs_each_request_with_what_the_client_did_summarises_on_interrupt_and_releases_its_port()
    {
        var (exit, output, err, interrupt) = CommandKit.Start(RepoPaths.RepoRoot, "serve", "--config", CommandKit.Config, "--chaos", "split=1,drop=1", "--seed", "7");
        using (interrupt)
        {
            var baseUrl = CommandKit.UrlIn(await output.WaitForLineAsync(l => l.StartsWith("serve: listening on ", StringComparison.Ordinal)));
            Assert.That(baseUrl.Host, Is.EqualTo("127.0.0.1"));
            Assert.That(output.ToString(), Does.Contain($"{baseUrl.ToString().TrimEnd('/')}/s/baseline"));

            using var http = CommandKit.Client();
            var bodies = new List<byte[]>();
            for (int i = 1; i <= 4; i++)
            {
                bodies.Add((await CommandKit.ReadAllAsync(http, baseUrl)).Body);
                await output.WaitForLineAsync(l => l.StartsWith($"req_{i:D12} chaos#{i} ", StringComparison.Ordinal));
            }

            using (var keyless = CommandKit.Messages(baseUrl))
            {
                keyless.Headers.Remove("x-api-key");
                using var refused = await http.SendAsync(keyless).WaitAsync(CommandKit.Bound);
                Assert.That((int)refused.StatusCode, Is.EqualTo(401));
                var line = await output.WaitForLineAsync(l => l.Contains(" rejected: ", StringComparison.Ordinal));
                Assert.That(line, Does.Match(@"^req_\d{12} rejected: status 401 authentication_error for POST /v1/messages$"));
            }

            await interrupt.CancelAsync();
            Assert.That(await exit.WaitAsync(CommandKit.Bound), Is.EqualTo(0));
            await CommandKit.AssertPortReleasedAsync(baseUrl.Port);
        }

        string text = output.ToString();
        Assert.That(text, Does.Contain("rejected before planning: 401 authentication_error 1"));
        var lines = output.Lines.Where(l => l.StartsWith("req_", StringComparison.Ordinal) && !l.Contains(" rejected: ", StringComparison.Ordinal)).ToList();
        Assert.That(lines, Has.Count.EqualTo(4));
        Assert.That(lines, Has.All.Match(@"^req_\d{12} chaos#\d status 200: (read to the end|reset by plan after \d+ B); sent \d+ B in \d+ chunks, \d+ ms \| replay: seed=-?\d+ attempt=1 recording=\S+ faults=(split|drop)\("));
        Assert.That(text, Does.Contain("serve: 4 requests"));
        Assert.That(text, Does.Match(@"by client: .*(read-to-end|reset-by-plan) \d"));
        Assert.That(text + err, Does.Not.Contain(CommandKit.Key), "no API key or cookie in what serve prints");
    }

    [Test]
    public async Task A_chaos_log_line_replayed_with_serve_replay_sends_the_same_bytes()
    {
        var (exit, output, _, interrupt) = CommandKit.Start(RepoPaths.RepoRoot, "serve", "--config", CommandKit.Config, "--chaos", "split(fraction=0.5)=1,random(min=1,max=9)=1", "--seed", "11");
        byte[] first;
        string line;
        using (interrupt)
        {
            var baseUrl = CommandKit.UrlIn(await output.WaitForLineAsync(l => l.StartsWith("serve: listening on ", StringComparison.Ordinal)));
            using var http = CommandKit.Client();
            first = (await CommandKit.ReadAllAsync(http, baseUrl)).Body;
            line = await output.WaitForLineAsync(l => l.StartsWith("req_", StringComparison.Ordinal));
            await interrupt.CancelAsync();
            Assert.That(await exit.WaitAsync(CommandKit.Bound), Is.EqualTo(0));
            await CommandKit.AssertPortReleasedAsync(baseUrl.Port);
        }

        (exit, output, _, interrupt) = CommandKit.Start(RepoPaths.RepoRoot, "serve", "--config", CommandKit.Config, "--replay", line);
        using (interrupt)
        {
            var baseUrl = CommandKit.UrlIn(await output.WaitForLineAsync(l => l.StartsWith("serve: listening on ", StringComparison.Ordinal)));
            using var http = CommandKit.Client();
            byte[] again = (await CommandKit.ReadAllAsync(http, baseUrl)).Body;
            string replayed = await output.WaitForLineAsync(l => l.StartsWith("req_", StringComparison.Ordinal));
            await interrupt.CancelAsync();
            Assert.That(await exit.WaitAsync(CommandKit.Bound), Is.EqualTo(0));
            await CommandKit.AssertPortReleasedAsync(baseUrl.Port);
            Assert.That(again, Is.EqualTo(first));
            Assert.That(replayed[replayed.IndexOf(PlanSpec.Marker, StringComparison.Ordinal)..], Is.EqualTo(line[line.IndexOf(PlanSpec.Marker, StringComparison.Ordinal)..]));
        }
    }

    [Test]
    public void Every_chaos_log_line_parses_back_to_the_identical_plan()
    {
        var recordings = RepoPaths.BundledNames().Select(n => RecordingLoader.Load(Path.Combine(RepoPaths.RecordingsFolder, n + ".sse"))).ToList();
        var chaos = ChaosSpec.Parse("split=3,error-event=1,drop(midFrame=true,mode=clean-close)=1,stall(keepalive=ping,everyMs=50)=1,random(min=1,max=17)=1,latency(jitterMs=9)=1,max-tokens=1,garbage=1,http-error(status=529)=1,none=1");
        var source = new ServeSource([], recordings, null, chaos, null, seed: 20261124);
        var kinds = new HashSet<string>();
        for (int attempt = 1; attempt <= 200; attempt++)
        {
            var served = source.Plan(ServeSource.Chaos, attempt)!;
            kinds.Add(served.FaultKind);
            var evidence = new ServerEvidence { RequestId = $"req_{attempt:D12}", Scenario = ServeSource.Chaos, Attempt = attempt, Status = served.Plan.Status, Ending = ServerEnding.ClientGone };
            string line = ServeLog.Line(evidence, served);

            var spec = PlanSpec.Parse(line, "--replay");
            var again = spec.Plan(recordings.Single(r => r.Name == spec.Recording), "--replay");
            AssertSamePlan(again, served.Plan, line);
        }

        Assert.That(kinds, Is.SupersetOf(new[] { "split", "error-event", "drop", "stall", "random", "latency", "max-tokens", "garbage", "http-error", "none" }));
    }

    [Test]
    public void Serve_summary_counts_every_rejection_beyond_what_the_request_log_keeps()
    {
        int count = new ReplayServerOptions().RequestLogLimit + 5;
        var output = new StringWriter();
        var log = new ServeLog(output);
        for (int i = 0; i < count; i++)
        {
            log.Rejected(new RequestLogEntry($"req_{i:D12}", "POST", "/v1/messages", [], 401, "authentication_error", null, 0));
        }

        log.Rejected(new RequestLogEntry("req_x", "POST", "/nope", [], 404, "not_found_error", null, 0));
        log.Summary();

        Assert.That(output.ToString(), Does.Contain($"rejected before planning: 401 authentication_error {count}, 404 not_found_error 1"));
    }

    [Test]
    public async Task A_port_in_use_is_a_one_line_error()
    {
        using var busy = new TcpListener(IPAddress.Loopback, 0);
        busy.Start();
        int port = ((IPEndPoint)busy.LocalEndpoint).Port;
        var result = await CommandKit.RunAsync(RepoPaths.RepoRoot, "serve", "--config", CommandKit.Config, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        CommandKit.AssertOneLineError(result, $"Port {port} on 127.0.0.1 is already in use");
    }

    [TestCase(new[] { "--chaos", "split=0" }, "--chaos: 'split=0': the weight after '=' must be a positive number")]
    [TestCase(new[] { "--chaos", "teleport=1" }, "unknown fault kind 'teleport'")]
    [TestCase(new[] { "--chaos", "split:fraction=0.5" }, "--chaos: 'split:fraction=0.5': write options in parentheses inside --chaos")]
    [TestCase(new[] { "--chaos", "split(fraction=2)" }, "fraction")]
    [TestCase(new[] { "--scenario", "nope" }, "--scenario: unknown scenario 'nope'")]
    [TestCase(new[] { "--scenario", "baseline", "--chaos", "split" }, "give only one of --scenario, --chaos and --replay")]
    [TestCase(new[] { "--replay", "hello" }, "--replay: 'hello' is not a plan spec")]
    [TestCase(new[] { "--replay", "seed=1 attempt=1 recording=nope faults=none" }, "--replay: recording 'nope' is not one of the config's recordings")]
    [TestCase(new[] { "--replay", "seed=1 attempt=1 recording=text-short faults=split(fraction=7)" }, "--replay: faults[0].fraction")]
    [TestCase(new[] { "--recording", "nope" }, "--recording: 'nope' is not one of the config's recordings")]
    [TestCase(new[] { "--seed", "x" }, "--seed")]
    [TestCase(new[] { "--colour" }, "--colour")]
    public async Task Bad_serve_arguments_are_one_line_errors(string[] args, string expected)
    {
        var result = await CommandKit.RunAsync(RepoPaths.RepoRoot, ["serve", "--config", CommandKit.Config, .. args]);
        CommandKit.AssertOneLineError(result, expected);
    }

    [Test]
    public async Task A_missing_config_is_a_one_line_error()
    {
        var result = await CommandKit.RunAsync(RepoPaths.RepoRoot, "serve", "--config", "no-such-harness.json");
        CommandKit.AssertOneLineError(result, "no-such-harness.json");
    }

    private static void AssertSamePlan(ReplayPlan actual, ReplayPlan expected, string line)
    {
        Assert.That(actual.Body, Is.EqualTo(expected.Body), line);
        Assert.That(actual.Status, Is.EqualTo(expected.Status), line);
        Assert.That(actual.End, Is.EqualTo(expected.End), line);
        Assert.That(actual.Stall?.Every, Is.EqualTo(expected.Stall?.Every), line);
        Assert.That(actual.Stall?.Keepalive.ToArray(), Is.EqualTo(expected.Stall?.Keepalive.ToArray()), line);
        Assert.That(actual.Facts, Is.EqualTo(expected.Facts).Using<PlanFacts>((a, b) => a.CutsInsideFrames == b.CutsInsideFrames && a.Truncated == b.Truncated && a.BytesDropped == b.BytesDropped && a.InjectedErrorType == b.InjectedErrorType), line);
        Assert.That(actual.FaultDescriptions, Is.EqualTo(expected.FaultDescriptions), line);
        Assert.That(actual.Chunks.Select(c => (c.Offset, c.Data.Length, c.DelayBefore, c.Separate)), Is.EqualTo(expected.Chunks.Select(c => (c.Offset, c.Data.Length, c.DelayBefore, c.Separate))), line);
        Assert.That(actual.Headers, Is.EqualTo(expected.Headers), line);
    }
}
