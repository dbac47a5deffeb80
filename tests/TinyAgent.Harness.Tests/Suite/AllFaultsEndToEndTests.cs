using System.Text.RegularExpressions;
using System.Xml.Linq;
using TinyAgent.Harness.Model;
using TinyAgent.Harness.Recordings;
using TinyAgent.Harness.Reports;

namespace TinyAgent.Harness.Tests.Suite;

/// <summary>
/// One real suite (real server on 127.0.0.1, real HttpClients, the real CLI) with every fault kind and the four
/// built-in clients; each test reads what that run observed. This is the end-to-end proof for every fault and judge.
/// </summary>
[NonParallelizable]
internal sealed class AllFaultsEndToEndTests
{
    private SuiteFixture _suite = null!;
    private SuiteReport _report = null!;
    private int _exit;
    private string _out = "";

    [OneTimeSetUp]
    public async Task Run_the_suite_once()
    {
        _suite = new SuiteFixture(SuiteFixture.AllFaultsSuite());
        (_exit, _out, string err) = await _suite.RunCliAsync("run", "--config", _suite.ConfigPath);
        Assert.That(err, Is.Empty);
        _report = JsonReportWriter.Read(_suite.Folder.File("out/report.json"));
    }

    [OneTimeTearDown]
    public void Cleanup() => _suite.Dispose();

    [Test]
    public void Every_expectation_is_met_and_the_exit_code_says_so()
    {
        Assert.That(_report.ExpectationFailures, Is.Empty, _out);
        Assert.That(_exit, Is.Zero);
        Assert.That(_report.Passed, Is.True);
        Assert.That(_out, Does.Contain("PASSED"));
    }

    [TestCase("tinyagent", "baseline", "handled")]
    [TestCase("naive-split", "baseline", "handled")]
    [TestCase("naive-truncation", "baseline", "handled")]
    [TestCase("naive-ghost", "baseline", "handled")]
    [TestCase("tinyagent", "split-packet", "handled")]
    [TestCase("tinyagent", "silent-truncation", "handled")]
    [TestCase("tinyagent", "ghost-stream", "handled")]
    [TestCase("tinyagent", "stall", "handled")]
    [TestCase("naive-split", "split-packet", "not-handled")]
    [TestCase("naive-split", "silent-truncation", "handled")]
    [TestCase("naive-split", "ghost-stream", "handled")]
    [TestCase("naive-truncation", "silent-truncation", "not-handled")]
    [TestCase("naive-truncation", "split-packet", "handled")]
    [TestCase("naive-truncation", "ghost-stream", "handled")]
    [TestCase("naive-ghost", "ghost-stream", "not-handled")]
    [TestCase("naive-ghost", "split-packet", "handled")]
    [TestCase("naive-ghost", "silent-truncation", "handled")]
    [TestCase("naive-ghost", "stall", "handled")]
    public void Each_judge_catches_its_specimen_and_passes_tinyagent(string client, string bug, string verdict)
    {
        var b = _report.Clients.Single(c => c.Name == client).Bugs[bug];
        Assert.That(b.Verdict.ToName(), Is.EqualTo(verdict), b.Evidence);
        Assert.That(b.RunsExercised, Is.GreaterThan(0));
        Assert.That(b.DecidingRuns, Is.Not.Empty);
    }

    [Test]
    public void Chunking_faults_send_the_planned_sizes()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Run("tinyagent", "bytewise", "text-short").Chunks.Sent, Is.All.EqualTo(1));
            var fixedSizes = Run("tinyagent", "fixed", "tool-use").Chunks.Sent;
            Assert.That(fixedSizes.Take(fixedSizes.Count - 1), Is.All.EqualTo(5));
            Assert.That(Run("tinyagent", "random", "text-short").Chunks.Sent, Is.All.InRange(1, 9));
            var recording = RecordingLoader.Load(_suite.Folder.File("text-short.sse"));
            Assert.That(Run("tinyagent", "per-frame", "text-short").Chunks.Sent, Is.EqualTo(recording.Layout.Frames.Select(f => f.Length)));
            var timed = RecordingLoader.Load(_suite.Folder.File("realistic-timing.sse"));
            Assert.That(Run("tinyagent", "recorded", "realistic-timing").Chunks.Sent, Has.Count.EqualTo(timed.Meta.Timeline!.Count));
        });
    }

    [Test]
    public void Received_reads_add_up_to_what_was_sent()
    {
        foreach (var run in _report.Runs.Where(r => r.Client == "tinyagent" && r.Outcome == ClientOutcome.Completed && r.Requests == 1))
        {
            Assert.That(run.Chunks.Received.Sum(), Is.EqualTo(run.Chunks.Sent.Sum()), run.Id);
        }
    }

    [Test]
    public void Split_cuts_break_the_naive_parser_on_every_recording()
    {
        foreach (string recording in new[] { "text-short", "tool-use", "crlf-keepalive" })
        {
            Assert.That(Run("naive-split", "split", recording).Findings["split-packet"].Verdict, Is.EqualTo(Verdict.NotHandled), recording);
            Assert.That(Run("tinyagent", "split", recording).Findings["split-packet"].Verdict, Is.EqualTo(Verdict.Handled), recording);
        }
    }

    [TestCase("error-event", "overloaded_error")]
    [TestCase("drop-reset", "incomplete_stream_reset")]
    [TestCase("drop-clean", "incomplete_stream_clean_close")]
    [TestCase("stall", "stalled")]
    [TestCase("stall-pings", "timeout_total")]
    public void TinyAgent_surfaces_each_broken_ending_as_its_own_error(string scenario, string errorType)
    {
        var run = Run("tinyagent", scenario, "text-short");
        Assert.That(run.Outcome, Is.EqualTo(ClientOutcome.Failed));
        Assert.That(run.Error, Does.StartWith(errorType + ":"));
    }

    [Test]
    public void The_naive_truncation_specimen_returns_a_cut_answer_as_complete()
    {
        Assert.That(Run("naive-truncation", "error-event", "text-short").Outcome, Is.EqualTo(ClientOutcome.Completed));
        Assert.That(Run("naive-truncation", "drop-clean", "text-short").Outcome, Is.EqualTo(ClientOutcome.Completed));
        Assert.That(Run("naive-truncation", "max-tokens", "tool-use").Findings["silent-truncation"].Verdict, Is.EqualTo(Verdict.NotHandled));
    }

    [Test]
    public void Stalls_end_in_the_idle_timeout_well_before_the_deadline()
    {
        var run = Run("tinyagent", "stall-pings", "text-short");
        Assert.That(run.Timings.TotalMs, Is.LessThan(4000));
        Assert.That(run.Findings["stall"].Verdict, Is.EqualTo(Verdict.Handled), run.Findings["stall"].Evidence);
    }

    [Test]
    public void Max_tokens_is_surfaced_as_the_stop_reason()
    {
        var run = Run("tinyagent", "max-tokens", "text-short");
        Assert.That(run.Outcome, Is.EqualTo(ClientOutcome.Completed));
        Assert.That(run.StopReason, Is.EqualTo("max_tokens"));
    }

    [Test]
    public void An_http_529_is_retried_by_tinyagent_and_by_the_specimens_as_the_sdks_do()
    {
        var ours = Run("tinyagent", "http-error", "text-short");
        Assert.That((ours.Outcome, ours.Requests), Is.EqualTo((ClientOutcome.Completed, 2)));
        var naive = Run("naive-truncation", "http-error", "text-short");
        Assert.That((naive.Outcome, naive.Requests), Is.EqualTo((ClientOutcome.Completed, 2)), "retrying is the loop's fix, not any specimen's mistake");
        Assert.That(ours.Findings["retry"].Verdict, Is.EqualTo(Verdict.Handled), ours.Findings["retry"].Evidence);
    }

    [Test]
    public void Unknown_event_and_delta_types_are_ignored_by_tinyagent()
    {
        var run = Run("tinyagent", "garbage", "text-short");
        var recording = RecordingLoader.Load(_suite.Folder.File("text-short.sse"));
        Assert.That(run.Outcome, Is.EqualTo(ClientOutcome.Completed));
        Assert.That(run.TextLength, Is.EqualTo(recording.Expected.Text.Length));
    }

    [Test]
    public void Invalid_json_in_a_data_line_is_a_protocol_error_for_tinyagent()
    {
        var run = Run("tinyagent", "invalid-json", "text-short");
        Assert.That(run.Outcome, Is.EqualTo(ClientOutcome.Failed));
        Assert.That(run.Error, Does.StartWith("StreamProtocolException:"));
    }

    [TestCase("bom-split", "text-short")]
    [TestCase("bom-split", "crlf-keepalive")]
    [TestCase("line-endings-mixed", "text-short")]
    [TestCase("line-endings-mixed", "tool-use")]
    [TestCase("done-marker", "text-short")]
    public void TinyAgent_reads_the_same_answer_through_each_wire_variant(string scenario, string recording)
    {
        var run = Run("tinyagent", scenario, recording);
        var control = Run("tinyagent", "per-frame", recording);
        Assert.That((run.Outcome, run.StopReason, run.TextLength), Is.EqualTo((ClientOutcome.Completed, control.StopReason, control.TextLength)), run.Error);
    }

    [Test]
    public void An_error_as_the_first_event_and_a_max_tokens_cut_inside_a_tool_input_are_surfaced()
    {
        var first = Run("tinyagent", "error-first-event", "text-short");
        Assert.That((first.Outcome, first.Error), Is.EqualTo((ClientOutcome.Failed, "overloaded_error: Overloaded")));
        var cut = Run("tinyagent", "tool-cut", "tool-use");
        Assert.That(cut.StopReason, Is.EqualTo("max_tokens"));
        Assert.That(Run("naive-truncation", "tool-cut", "tool-use").Findings["silent-truncation"].Verdict, Is.EqualTo(Verdict.NotHandled));
    }

    [Test]
    public void A_429_with_retry_after_ms_is_retried_by_tinyagent_after_the_wait()
    {
        var run = Run("tinyagent", "http-429-retry-after-ms", "text-short");
        Assert.That((run.Outcome, run.Requests), Is.EqualTo((ClientOutcome.Completed, 2)));
        Assert.That(run.Timings.TotalMs, Is.GreaterThanOrEqualTo(100));
    }

    [Test]
    public void Giving_up_closes_the_connection_for_tinyagent_but_not_for_the_ghost()
    {
        var ours = Run("tinyagent", "give-up", "text-short");
        var ghost = Run("naive-ghost", "give-up", "text-short");
        Assert.That(ours.Outcome, Is.EqualTo(ClientOutcome.GaveUp));
        Assert.That(ours.Findings["ghost-stream"].Verdict, Is.EqualTo(Verdict.Handled), ours.Findings["ghost-stream"].Evidence);
        Assert.That(ghost.Findings["ghost-stream"].Verdict, Is.EqualTo(Verdict.NotHandled), ghost.Findings["ghost-stream"].Evidence);
        Assert.That(ours.Chunks.Sent.Sum(), Is.LessThan(ghost.Chunks.Sent.Sum()), "the ghost's stream kept flowing after the give-up");
    }

    [Test]
    public void The_junit_file_parses_back_with_one_case_per_run()
    {
        var xml = XDocument.Load(_suite.Folder.File("out/report.xml"));
        var cases = xml.Descendants("testcase").ToList();
        Assert.That(cases, Has.Count.EqualTo(_report.Runs.Count));
        Assert.That(xml.Descendants("failure"), Is.Empty);
        Assert.That(xml.Root!.Attribute("tests")!.Value, Is.EqualTo(_report.Runs.Count.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.That(cases.Select(c => c.Attribute("classname")!.Value), Does.Contain("naive-split.split"));
    }

    [Test]
    public void The_html_histogram_bars_match_the_report()
    {
        string html = File.ReadAllText(_suite.Folder.File("out/report.html"));
        Assert.That(html, Does.Not.Contain("http://").And.Not.Contain("https://").And.Not.Contain("<script"));
        foreach (var (series, distribution) in new[] { ("sent", _report.ChunkSizes.Sent), ("received", _report.ChunkSizes.Received) })
        {
            var svg = Regex.Match(html, $"<svg class=\"histogram\" data-series=\"{series}\".*?</svg>", RegexOptions.Singleline).Value;
            var bars = Regex.Matches(svg, "data-from=\"(\\d+)\" data-to=\"(\\d+)\" data-count=\"(\\d+)\"")
                .Select(m => new HistogramBin(int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture), int.Parse(m.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture)))
                .ToList();
            Assert.That(bars, Is.EqualTo(distribution.Histogram), series);
        }
    }

    [Test]
    public void The_markdown_summary_has_a_row_per_client()
    {
        string md = File.ReadAllText(_suite.Folder.File("out/report.md"));
        foreach (var client in _report.Clients)
        {
            Assert.That(md, Does.Contain($"| {client.Name} |"));
        }

        Assert.That(md, Does.Contain("❌ not handled"));
    }

    [Test]
    public void The_json_report_has_the_documented_shape()
    {
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(_suite.Folder.File("out/report.json")));
        var root = doc.RootElement;
        Assert.That(root.GetProperty("seed").GetInt32(), Is.EqualTo(7));
        var bug = root.GetProperty("clients")[0].GetProperty("bugs").GetProperty("split-packet");
        Assert.That(bug.GetProperty("verdict").GetString(), Is.AnyOf("handled", "not-handled", "not-exercised"));
        Assert.That(bug.TryGetProperty("evidence", out _), Is.True);
        var run = root.GetProperty("runs")[0];
        foreach (string p in new[] { "client", "recording", "scenario", "faults", "outcome", "timings" })
        {
            Assert.That(run.TryGetProperty(p, out _), Is.True, p);
        }

        foreach (string p in new[] { "firstByteMs", "totalMs" })
        {
            Assert.That(run.GetProperty("timings").TryGetProperty(p, out _), Is.True, p);
        }

        foreach (string series in new[] { "sent", "received" })
        {
            var d = root.GetProperty("chunkSizes").GetProperty(series);
            foreach (string p in new[] { "count", "min", "p50", "p90", "max", "histogram" })
            {
                Assert.That(d.TryGetProperty(p, out _), Is.True, $"{series}.{p}");
            }

            var bin = d.GetProperty("histogram")[0];
            Assert.That(bin.TryGetProperty("from", out _) && bin.TryGetProperty("to", out _) && bin.TryGetProperty("count", out _), Is.True);
        }
    }

    private RunReport Run(string client, string scenario, string recording) =>
        _report.Runs.Single(r => r.Client == client && r.Scenario == scenario && r.Recording == recording);
}
