using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Kit = TinyAgent.Harness.Tests.Server.ServerTestKit;
using TinyAgent.Harness.Cli;
using TinyAgent.Harness.Model;
using TinyAgent.Harness.Plan;
using TinyAgent.Harness.Replay;
using TinyAgent.Harness.Reports;
using TinyAgent.Harness.Tests.Recordings;

namespace TinyAgent.Harness.Tests.Reliability;

/// <summary>
/// Every kind of bad input ends in one line on stderr naming the file and position or field and what is wrong,
/// exit code 2, and no stack trace. The CLI runs in-process on a temp folder holding a harness.json and recordings.
/// </summary>
internal sealed class BadInputTests
{
    private const string Prefix = "tinyagent-harness: ";
    private const string Good = """{"recordings":["recordings/*.sse"],"clients":[{"name":"tinyagent"}],"scenarios":[{"name":"a","faults":[]}]}""";
    private const string Recs = "\"recordings\":[\"recordings/*.sse\"],\"clients\":[{\"name\":\"tinyagent\"}]";

    /// <summary>A suite whose only scenario has these faults (JSON array text).</summary>
    private static string WithFaults(string faults) => $$"""{{{Recs}},"scenarios":[{"name":"a","faults":{{faults}}}]}""";

    /// <summary>The good suite plus one more top-level property (JSON text after a comma).</summary>
    private static string Plus(string extra) => Good[..^1] + "," + extra + "}";

    private static TestCaseData Case(string name, string? config, string[] args, string expected, Action<string>? setup = null) =>
        new TestCaseData(config, args, expected, setup).SetName(name);

    private static Action<string> Write(string relative, byte[] bytes) => dir => File.WriteAllBytes(Path.Combine(dir, relative), bytes);

    private static Action<string> Write(string relative, string text) => Write(relative, Encoding.UTF8.GetBytes(text));

    private static readonly string[] Validate = ["validate"];

    public static IEnumerable<TestCaseData> CliCases()
    {
        // harness.json: syntax, properties, types
        yield return Case("Config_syntax_error_names_line_and_column", "{\n  \"seed\": 1,\n  \"recordings\": [\"x\"\n}", Validate,
            "harness.json:4:1: invalid JSON: '}' is invalid without a matching open");
        yield return Case("Config_truncated_names_the_end", "{\"seed\": 1,", Validate,
            "harness.json:1:11: invalid JSON: Expected start of a property name or value, but instead reached end of data");
        yield return Case("Config_unknown_top_level_property", Plus("\"sed\":1"), Validate,
            "harness.json: sed: unknown property (expected one of: seed, recordings, execRecordings, scenarios, clients, consumers, timeouts, parallelism, reports, expectations, redactHeaders)");
        yield return Case("Config_unknown_scenario_property", $$"""{{{Recs}},"scenarios":[{"name":"a","fault":[]}]}""", Validate,
            "harness.json: scenarios[0].fault: unknown property (expected one of: name, description, faults, consumer, recordings, execRecordings)");
        yield return Case("Config_root_not_an_object", "[1,2]", Validate, "harness.json: (root): must be an object, not an array");
        yield return Case("Config_missing_recordings", """{"clients":[{"name":"tinyagent"}],"scenarios":[{"name":"a"}]}""", Validate,
            "harness.json: (root): missing required property 'recordings'");
        yield return Case("Config_recordings_wrong_type", """{"recordings":"recordings/*.sse","clients":[{"name":"tinyagent"}],"scenarios":[{"name":"a"}]}""", Validate,
            "harness.json: recordings: must be an array, not a string");
        yield return Case("Config_seed_wrong_type", Plus("\"seed\":\"x\""), Validate, "harness.json: seed: must be an integer, not a string");
        yield return Case("Config_parallelism_zero", Plus("\"parallelism\":0"), Validate, "harness.json: parallelism: must be at least 1, not 0");
        yield return Case("Config_negative_timeout", Plus("\"timeouts\":{\"idleMs\":-5}"), Validate, "harness.json: timeouts.idleMs: must be at least 1, not -5");
        yield return Case("Config_deadline_not_above_idle", Plus("\"timeouts\":{\"idleMs\":500,\"deadlineMs\":400}"), Validate,
            "harness.json: timeouts.deadlineMs: must be greater than idleMs (500), or a stalled client could never be judged");
        yield return Case("Config_unknown_report_format", Plus("\"reports\":{\"formats\":[\"pdf\"]}"), Validate,
            "harness.json: reports.formats[0]: unknown report format 'pdf' (expected one of: json, junit, md, html)");

        // harness.json: faults
        yield return Case("Fault_unknown_kind", WithFaults("""[{"kind":"splitt"}]"""), Validate,
            "harness.json: scenarios[0].faults[0].kind: unknown fault kind 'splitt' (known: bandwidth, bom, bytewise, done-marker, drop, error-event, fixed, garbage, http-error, latency, line-endings, max-tokens, pause, per-frame, random, recorded, slow-close, split, stall, tool-cut)");
        yield return Case("Fault_missing_kind", WithFaults("""[{"size":3}]"""), Validate,
            "harness.json: scenarios[0].faults[0].kind: missing (known kinds: bandwidth, bom, bytewise, done-marker, drop, error-event, fixed, garbage, http-error, latency, line-endings, max-tokens, pause, per-frame, random, recorded, slow-close, split, stall, tool-cut)");
        yield return Case("Fault_not_an_object", WithFaults("[5]"), Validate, "harness.json: scenarios[0].faults[0]: must be an object with a \"kind\"");
        yield return Case("Fault_chunk_size_zero", WithFaults("""[{"kind":"fixed","size":0}]"""), Validate, "harness.json: scenarios[0].faults[0].size: must be at least 1");
        yield return Case("Fault_chunk_size_wrong_type", WithFaults("""[{"kind":"fixed","size":"7"}]"""), Validate, "harness.json: scenarios[0].faults[0].size: must be an integer");
        yield return Case("Fault_negative_delay", WithFaults("""[{"kind":"latency","firstByteMs":-5}]"""), Validate, "harness.json: scenarios[0].faults[0].firstByteMs: must not be negative");
        yield return Case("Fault_fraction_over_one", WithFaults("""[{"kind":"split","fraction":1.5}]"""), Validate, "harness.json: scenarios[0].faults[0].fraction: must be between 0 and 1");
        yield return Case("Fault_min_greater_than_max", WithFaults("""[{"kind":"random","min":10,"max":2}]"""), Validate, "harness.json: scenarios[0].faults[0].max: must be at least min (10)");
        yield return Case("Fault_unknown_option", WithFaults("""[{"kind":"fixed","sise":3}]"""), Validate,
            "harness.json: scenarios[0].faults[0].sise: unknown option of 'fixed' (known: size)");

        // harness.json: names and references
        yield return Case("Duplicate_scenario_names", $$"""{{{Recs}},"scenarios":[{"name":"a"},{"name":"a"}]}""", Validate, "harness.json: scenarios[1].name: duplicate scenario name 'a'");
        yield return Case("Scenario_name_with_dot_dot_prefix", $$"""{{{Recs}},"scenarios":[{"name":"../a"}]}""", Validate,
            "harness.json: scenarios[0].name: '../a' must be letters, digits, '.', '_' or '-' (it becomes part of a URL)");
        yield return Case("Duplicate_client_names", """{"recordings":["recordings/*.sse"],"clients":[{"name":"tinyagent"},{"name":"tinyagent"}],"scenarios":[{"name":"a"}]}""", Validate,
            "harness.json: clients[1].name: duplicate client name 'tinyagent'");
        yield return Case("Unknown_client_without_exec", """{"recordings":["recordings/*.sse"],"clients":[{"name":"curl"}],"scenarios":[{"name":"a"}]}""", Validate,
            "harness.json: clients[0].name: unknown client 'curl': give it an \"exec\" command line, or use a built-in (tinyagent, naive-split, naive-truncation, naive-ghost, hang, openai-chat, openai-responses)");
        yield return Case("Unknown_consumer", $$"""{{{Recs}},"scenarios":[{"name":"a","consumer":"bored"}]}""", Validate,
            "harness.json: scenarios[0].consumer: unknown consumer 'bored' (known: read-all)");
        yield return Case("Expectation_names_unknown_client", Plus("\"expectations\":{\"nobody\":{}}"), Validate,
            "harness.json: expectations.nobody: names client 'nobody', which is not in \"clients\"");
        yield return Case("Expectation_names_unknown_bug", Plus("\"expectations\":{\"tinyagent\":{\"split\":\"handled\"}}"), Validate,
            "harness.json: expectations.tinyagent.split: unknown bug 'split' (expected one of: baseline, split-packet, silent-truncation, ghost-stream, stall, retry, wire-variants)");
        yield return Case("Expectation_unknown_verdict", Plus("\"expectations\":{\"tinyagent\":{\"stall\":\"fine\"}}"), Validate,
            "harness.json: expectations.tinyagent.stall: unknown verdict 'fine' (expected handled, not-handled or not-exercised)");
        yield return Case("Recordings_glob_matches_nothing", """{"recordings":["recs/*.sse"],"clients":[{"name":"tinyagent"}],"scenarios":[{"name":"a"}]}""", Validate,
            "harness.json: recordings[0]: recs/*.sse: matches no .sse files under '{dir}'");
        yield return Case("Scenario_recordings_glob_matches_nothing", $$"""{{{Recs}},"scenarios":[{"name":"a","recordings":["nope-*.sse"]}]}""", Validate,
            "harness.json: scenarios[0].recordings: matches none of the suite's recordings");
        // harness.json: the exec sample (execRecordings)
        yield return Case("Exec_recordings_empty_at_the_top", Plus("\"execRecordings\":[]"), Validate,
            "harness.json: execRecordings: must name at least one recording (leave it out to run exec clients on every recording)");
        yield return Case("Exec_recordings_matching_nothing", Plus("\"execRecordings\":[\"nope.sse\"]"), Validate,
            "harness.json: execRecordings[0]: 'nope.sse' matches none of the suite's recordings");
        yield return Case("Scenario_exec_recordings_outside_its_recordings",
            $$"""{{{Recs}},"scenarios":[{"name":"a","recordings":["text-short.sse"],"execRecordings":["tool-use.sse"]}]}""", Validate,
            "harness.json: scenarios[0].execRecordings[0]: 'tool-use.sse' matches none of the recordings scenario 'a' runs on",
            Write("recordings/tool-use.sse", File.ReadAllBytes(Path.Combine(RepoPaths.RecordingsFolder, "tool-use.sse"))));
        yield return Case("Exec_sample_leaving_a_scenario_without_exec_runs",
            $$"""{{{Recs}},"execRecordings":["text-short.sse"],"scenarios":[{"name":"a","recordings":["tool-use.sse"]}]}""", Validate,
            "harness.json: scenarios[0]: execRecordings names none of the anthropic recordings scenario 'a' runs on (tool-use), so exec clients would never face it; give the scenario its own execRecordings",
            Write("recordings/tool-use.sse", File.ReadAllBytes(Path.Combine(RepoPaths.RecordingsFolder, "tool-use.sse"))));

        // recordings
        yield return Case("Recording_outside_the_folder", """{"recordings":["../x.sse"],"clients":[{"name":"tinyagent"}],"scenarios":[{"name":"a"}]}""", Validate,
            "harness.json: recordings[0]: ../x.sse: path is outside the recordings folder '{dir}'");
        yield return Case("Recording_glob_climbing_out_of_the_folder", """{"recordings":["../**/*.sse"],"clients":[{"name":"tinyagent"}],"scenarios":[{"name":"a"}]}""", Validate,
            "harness.json: recordings[0]: ../**/*.sse: a recordings glob must stay inside '{dir}' (no '..' and no absolute path)");
        yield return Case("Recording_empty", Good, Validate, "harness.json: recordings[0]: recordings/a.sse: recording is empty (0 bytes)", Write("recordings/a.sse", []));
        yield return Case("Recording_binary_garbage", Good, Validate, "harness.json: recordings[0]: recordings/a.sse:1:1: binary data, not text (byte 0x00 at byte offset 0)",
            Write("recordings/a.sse", [0x00, 0x01, 0xFF, 0x7F, 0x80]));
        yield return Case("Recording_invalid_utf8", Good, Validate, "harness.json: recordings[0]: recordings/a.sse:2:13: invalid UTF-8 (byte 0xC3 at byte offset 33)",
            Write("recordings/a.sse", [.. "event: message_start\ndata: {\"a\":\""u8, 0xC3, 0x28, .. "\"}\n\n"u8]));
        yield return Case("Recording_data_line_with_invalid_json", Good, Validate,
            "harness.json: recordings[0]: recordings/a.sse:2:30: data of event 'message_start' is not valid JSON: Expected start of a property name or value, but instead reached end of data",
            Write("recordings/a.sse", "event: message_start\ndata: {\"type\":\"message_start\",\n\n"));
        yield return Case("Recording_without_message_start", Good, Validate,
            "harness.json: recordings[0]: recordings/a.sse: no message_start event (the first event is 'ping'); a Messages stream starts with one or with an error event",
            Write("recordings/a.sse", "event: ping\ndata: {\"type\":\"ping\"}\n\n"));
        yield return Case("Sidecar_contradicting_body_length", Good, Validate,
            "harness.json: recordings[0]: recordings/text-short.meta.json: timeline[1].offset 999999 is at or beyond the body length 2444: sidecar contradicts body length",
            Write("recordings/text-short.meta.json", """{"timeline":[{"offset":0,"atMs":0},{"offset":999999,"atMs":5}]}"""));
        yield return Case("Sidecar_syntax_error", Good, Validate,
            "harness.json: recordings[0]: recordings/text-short.meta.json:2:13: sidecar is not valid JSON: '}' is an invalid start of a value",
            Write("recordings/text-short.meta.json", "{\"timeline\":[{\"offset\":0,\"atMs\":0},\n {\"offset\": }]}"));
        yield return Case("Sidecar_status_wrong_type", Good, Validate,
            "harness.json: recordings[0]: recordings/text-short.meta.json: field 'status' must be an integer from 100 to 599, not a string (\"x\")",
            Write("recordings/text-short.meta.json", """{"status":"x"}"""));

        // command line
        yield return Case("Unknown_command", Good, ["frobnicate"], "Unrecognized command or argument 'frobnicate'. (see --help)");
        yield return Case("Unknown_option", Good, ["run", "--frob"], "Unrecognized command or argument '--frob'. (see --help)");
        yield return Case("Seed_not_a_number", Good, ["run", "--seed", "abc"], "--seed: 'abc' is not an integer from -2147483648 to 2147483647 (see --help)");
        yield return Case("Seed_too_large", Good, ["run", "--seed", "99999999999"], "--seed: '99999999999' is not an integer from -2147483648 to 2147483647 (see --help)");
        yield return Case("Shard_not_k_of_n", Good, ["run", "--shard", "x"], "--shard: 'x' is not K/N (for example 1/4)");
        yield return Case("Shard_k_above_n", Good, ["run", "--shard", "5/4"], "--shard: '5/4' needs 1 <= K <= N");
        yield return Case("Shard_zero", Good, ["run", "--shard", "0/4"], "--shard: '0/4' needs 1 <= K <= N");
        yield return Case("Out_folder_under_a_regular_file", Good, ["run", "--out", "afile/sub"], "--out: cannot write to '{dir}/afile/sub': '{dir}/afile' is a file, not a folder",
            Write("afile", "not a folder"));
        yield return Case("Config_file_missing", Good, ["validate", "--config", "nope.json"], "{dir}/nope.json: file not found");
        yield return Case("Client_exec_named_like_a_config_client", """{"recordings":["recordings/*.sse"],"clients":[{"name":"exec","exec":"true"}],"scenarios":[{"name":"a"}]}""",
            ["run", "--client-exec", "echo"], "--client-exec: names its client 'exec', which harness.json already uses for a client; rename that client");
        yield return Case("Second_client_exec_named_like_a_config_client", """{"recordings":["recordings/*.sse"],"clients":[{"name":"exec-2","exec":"true"}],"scenarios":[{"name":"a"}]}""",
            ["run", "--client-exec", "echo", "--client-exec", "echo"], "--client-exec: names its client 'exec-2', which harness.json already uses for a client; rename that client");
        yield return Case("Unknown_client_option", Good, ["run", "--client", "ghost"], "--client: unknown client 'ghost' (known: tinyagent)");
        yield return Case("Unknown_scenario_option", Good, ["run", "--scenario", "ghost"], "--scenario: unknown scenario 'ghost' (known: a)");
        // --recording may point anywhere (the user's explicit choice); a glob whose folder is missing says which.
        yield return Case("Recording_option_glob_in_a_missing_folder", Good, ["run", "--recording", "missing/*.sse"],
            "--recording: missing/*.sse: folder '{dir}/missing' does not exist");

        // merge: a folder where report.json should be cannot be opened whoever runs the tests (root ignores mode 000).
        yield return Case("Merge_report_unreadable", Good, ["merge", "shard", "--out", "merged"],
            "{dir}/shard/report.json: cannot read: Access to the path '{dir}/shard/report.json' is denied.",
            dir => Directory.CreateDirectory(Path.Combine(dir, "shard", "report.json")));
    }

    [TestCaseSource(nameof(CliCases))]
    public async Task Bad_input_gives_one_line_naming_where_and_what_and_exit_code_2(string? config, string[] args, string expected, Action<string>? setup)
    {
        using var dir = new TempFolder();
        Directory.CreateDirectory(dir.File("recordings"));
        File.Copy(Path.Combine(RepoPaths.RecordingsFolder, "text-short.sse"), dir.File("recordings/text-short.sse"));
        if (config is not null)
        {
            await File.WriteAllTextAsync(dir.File("harness.json"), config);
        }

        setup?.Invoke(dir.Path);
        var (code, stdout, stderr) = await RunCliAsync(args, dir.Path);

        Assert.Multiple(() =>
        {
            Assert.That(stderr.TrimEnd('\n', '\r'), Is.EqualTo(Prefix + expected.Replace("{dir}", dir.Path, StringComparison.Ordinal)));
            Assert.That(code, Is.EqualTo(ExitCodes.BadInput));
            Assert.That(stderr.TrimEnd().Split('\n'), Has.Length.EqualTo(1), "one line on stderr");
            Assert.That(stdout + stderr, Does.Not.Contain("   at "), "no stack trace");
        });
    }

    [Test]
    public async Task Validate_accepts_a_good_suite_without_running_it()
    {
        using var dir = new TempFolder();
        Directory.CreateDirectory(dir.File("recordings"));
        File.Copy(Path.Combine(RepoPaths.RecordingsFolder, "text-short.sse"), dir.File("recordings/text-short.sse"));
        await File.WriteAllTextAsync(dir.File("harness.json"), Good);

        var (code, stdout, stderr) = await RunCliAsync(["validate"], dir.Path);

        Assert.That((code, stderr), Is.EqualTo((0, "")));
        Assert.That(stdout, Does.Contain("harness.json: valid: 1 scenarios, 1 clients, 1 recordings"));
        Assert.That(Directory.Exists(dir.File("reports")), Is.False, "validate writes nothing");
    }

    [Test]
    public async Task A_port_in_use_is_a_one_line_error_naming_the_port()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;

        var error = await Assert.ThrowsAsync<HarnessInputException>(() =>
            ReplayServer.StartAsync(new ReplayServerOptions { Port = port }, StaticScenarioSource.Of("ok", Kit.PlanOf(Kit.TextStream(1), Kit.PerFrame)), TimeProvider.System, CancellationToken.None)
                .WaitAsync(Kit.Bound));

        Assert.That(error!.Message, Is.EqualTo($"Port {port} on 127.0.0.1 is already in use; choose another port, or 0 for a free one."));
    }

    private const string ValidBody = """{"model":"m","max_tokens":8,"stream":true,"messages":[{"role":"user","content":"hi"}]}""";

    public static IEnumerable<TestCaseData> RequestCases()
    {
        static TestCaseData R(string name, string method, string path, string? body, int status, string type, string message, bool key = true) =>
            new TestCaseData(method, path, body, key, status, type, message).SetName(name);

        yield return R("Request_without_body", "POST", "/s/ok/v1/messages", null, 400, "invalid_request_error", "Request body is empty; expected a JSON object with model, max_tokens and messages.");
        yield return R("Request_with_invalid_json", "POST", "/s/ok/v1/messages", "{\"model\":", 400, "invalid_request_error",
            "Request body is not valid JSON: Expected depth to be zero at the end of the JSON payload. There is an open JSON object or array that should be closed. LineNumber: 0 | BytePositionInLine: 9.");
        yield return R("Request_missing_model", "POST", "/s/ok/v1/messages", """{"max_tokens":8,"messages":[]}""", 400, "invalid_request_error", "model: field required.");
        yield return R("Request_missing_max_tokens", "POST", "/s/ok/v1/messages", """{"model":"m","messages":[]}""", 400, "invalid_request_error", "max_tokens: field required.");
        yield return R("Request_missing_messages", "POST", "/s/ok/v1/messages", """{"model":"m","max_tokens":8}""", 400, "invalid_request_error", "messages: field required.");
        yield return R("Request_without_key", "POST", "/s/ok/v1/messages", ValidBody, 401, "authentication_error", "x-api-key header is required (or authorization: Bearer <token>).", key: false);
        yield return R("Request_with_wrong_method", "GET", "/s/ok/v1/messages", null, 405, "invalid_request_error", "Method GET is not allowed on /s/ok/v1/messages; use POST.");
        yield return R("Request_to_wrong_path", "POST", "/v1/complete", ValidBody, 404, "not_found_error", "Unknown path '/v1/complete': POST /s/{scenario}/v1/messages or /s/{scenario}/v1/chat/completions or /s/{scenario}/v1/responses.");
        // Encoded dot segments are removed before routing: the request lands on /v1/messages, never in a parent folder.
        yield return R("Request_with_encoded_dot_dot_scenario", "POST", "/s/%2e%2e/v1/messages", ValidBody, 404, "not_found_error", "No default scenario: POST /s/{scenario}/v1/messages.");
        yield return R("Request_with_dot_dot_inside_a_scenario_name", "POST", "/s/ok..%2F..%2Fx/v1/messages", ValidBody, 404, "not_found_error", "Unknown scenario 'ok..%2F..%2Fx'.");
    }

    [TestCaseSource(nameof(RequestCases))]
    public async Task Bad_request_gets_the_API_error_json_and_the_server_keeps_serving(string method, string path, string? body, bool key, int status, string type, string message)
    {
        await using var server = await Kit.StartAsync(StaticScenarioSource.Of("ok", Kit.PlanOf(Kit.TextStream(2), Kit.PerFrame)));
        using var client = Kit.Client();
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(server.BaseUrl + path.TrimStart('/')));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        if (key)
        {
            request.Headers.Add("x-api-key", Kit.Key);
        }

        request.Headers.Add("anthropic-version", "2023-06-01");
        using var response = await client.SendAsync(request).WaitAsync(Kit.Bound);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync().WaitAsync(Kit.Bound));

        Assert.Multiple(() =>
        {
            Assert.That((int)response.StatusCode, Is.EqualTo(status));
            Assert.That(json.RootElement.GetProperty("type").GetString(), Is.EqualTo("error"));
            Assert.That(json.RootElement.GetProperty("error").GetProperty("type").GetString(), Is.EqualTo(type));
            Assert.That(json.RootElement.GetProperty("error").GetProperty("message").GetString(), Is.EqualTo(message));
            Assert.That(response.Headers.Contains("request-id"), Is.True);
        });

        using var next = await Kit.SendAsync(client, Kit.Messages(server.ScenarioUrl("ok")));
        var read = await Kit.ReadAllAsync(next);
        Assert.That((next.StatusCode, read.Error, read.Data.Length), Is.EqualTo((HttpStatusCode.OK, (Exception?)null, Kit.TextStream(2).Length)), "the next valid request is served in full");
    }

    [Test]
    public void A_report_is_never_half_written_when_the_writer_throws()
    {
        using var dir = new TempFolder();
        string report = dir.File("report.json");
        File.WriteAllText(report, "{\"old\":true}");

        var thrown = Assert.Throws<IOException>(() => AtomicFile.Write(report, stream =>
        {
            stream.Write("{\"new\":"u8);
            throw new IOException("disk full");
        }));

        Assert.Multiple(() =>
        {
            Assert.That(thrown!.Message, Is.EqualTo("disk full"));
            Assert.That(File.ReadAllText(report), Is.EqualTo("{\"old\":true}"), "the old report stays intact");
            Assert.That(Directory.GetFiles(dir.Path), Is.EqualTo(new[] { report }), "no temp file is left behind");
        });
    }

    [Test]
    public void A_completed_atomic_write_replaces_the_old_report_and_leaves_no_temp_file()
    {
        using var dir = new TempFolder();
        string report = dir.File("report.json");
        File.WriteAllText(report, "old");

        AtomicFile.WriteText(report, "new");

        Assert.That(File.ReadAllText(report), Is.EqualTo("new"));
        Assert.That(Directory.GetFiles(dir.Path), Is.EqualTo(new[] { report }));
    }

    internal static async Task<(int Code, string Out, string Err)> RunCliAsync(string[] args, string workingDirectory, CancellationToken interrupt = default)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var context = new CliContext(stdout, stderr, TimeProvider.System, workingDirectory) { Interrupt = interrupt };
        int code = await HarnessCli.RunAsync(args, context).WaitAsync(TimeSpan.FromSeconds(60));
        return (code, stdout.ToString(), stderr.ToString());
    }
}
