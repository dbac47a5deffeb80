using System.Text;
using System.Text.Json;
using TinyAgent.Harness.Recordings;

namespace TinyAgent.Harness.Tests.Recordings;

internal sealed class BundledRecordingsTests
{
    private static readonly string[] Required =
    [
        "text-short", "text-long-cjk", "tool-use", "thinking", "max-tokens", "stop-sequence", "refusal", "pings",
        "padded-json", "crlf-keepalive", "unknown-types", "error-midstream", "realistic-timing", "redacted-thinking",
        ErrorFirst, "citations", "server-tool", "refusal-details", "pause-turn", "context-window", "thinking-omitted",
        "long-thinking-pings",
    ];

    /// <summary>The one bundled recording that is not an answer: overloaded at the start, a 200 with one error frame.</summary>
    private const string ErrorFirst = "error-first";

    private static IEnumerable<string> Names() => RepoPaths.BundledNames();

    private static IEnumerable<string> Answers() => Names().Where(n => n != ErrorFirst);

    private static Recording Load(string name) => RecordingLoader.Load(name + ".sse", RepoPaths.RecordingsFolder);

    [Test]
    public void Every_required_recording_is_bundled()
    {
        Assert.That(Names(), Is.SupersetOf(Required));
        Assert.That(Names().Count(), Is.EqualTo(23));
    }

    [TestCaseSource(nameof(Answers))]
    public void Bundled_recording_loads_with_its_sidecar_and_follows_the_wire_shapes(string name)
    {
        var rec = Load(name);
        var expected = rec.Expected;

        Assert.That(rec.Name, Is.EqualTo(name));
        Assert.That(expected.HasMessageStart, Is.True);
        Assert.That(rec.Meta.Status, Is.EqualTo(200));
        var headers = rec.Meta.Headers.ToDictionary(h => h.Key, h => h.Value);
        Assert.That(headers["content-type"], Is.EqualTo("text/event-stream; charset=utf-8"));
        Assert.That(headers["request-id"], Does.Match("^req_[0-9A-Za-z]{20,}$"));
        Assert.That(rec.Meta.Timeline, Is.Not.Null.And.Not.Empty);
        Assert.That(rec.Meta.Timeline![0].Offset, Is.Zero);

        using var first = JsonDocument.Parse(FirstData(rec));
        var message = first.RootElement.GetProperty("message");
        Assert.That(message.GetProperty("id").GetString(), Does.Match("^msg_01[0-9A-Za-z]{22}$"));
        Assert.That(message.GetProperty("role").GetString(), Is.EqualTo("assistant"));
        Assert.That(message.GetProperty("stop_reason").ValueKind, Is.EqualTo(JsonValueKind.Null));

        var text = expected.Blocks.Where(b => b.Type == "text").ToList();
        Assert.That(text, Is.Not.Empty, "every bundled recording answers with text");
        Assert.That(expected.TextDeltaCount, Is.GreaterThanOrEqualTo(8 * text.Count), "give-up scenarios need at least 8 text deltas per block");
        Assert.That(expected.IsComplete, Is.EqualTo(name != "error-midstream"));
        foreach (var tool in expected.Blocks.Where(b => b.Type == "tool_use"))
        {
            Assert.DoesNotThrow(() => JsonDocument.Parse(tool.Text).Dispose(), $"tool input of block {tool.Index} joins to valid JSON");
        }
    }

    [TestCase("text-short", "end_turn")]
    [TestCase("text-long-cjk", "end_turn")]
    [TestCase("tool-use", "tool_use")]
    [TestCase("multi-tool", "tool_use")]
    [TestCase("thinking", "end_turn")]
    [TestCase("max-tokens", "max_tokens")]
    [TestCase("stop-sequence", "stop_sequence")]
    [TestCase("refusal", "refusal")]
    [TestCase("padded-json", "end_turn")]
    [TestCase("crlf-keepalive", "end_turn")]
    [TestCase("unknown-types", "end_turn")]
    [TestCase("citations", "end_turn")]
    [TestCase("server-tool", "end_turn")]
    [TestCase("refusal-details", "refusal")]
    [TestCase("pause-turn", "pause_turn")]
    [TestCase("context-window", "model_context_window_exceeded")]
    [TestCase("thinking-omitted", "end_turn")]
    [TestCase("long-thinking-pings", "end_turn")]
    public void Derived_stop_reason_matches_the_recording(string name, string stopReason) =>
        Assert.That(Load(name).Expected.StopReason, Is.EqualTo(stopReason));

    [Test]
    public void Error_midstream_ends_with_an_overloaded_error_and_no_message_stop()
    {
        var rec = Load("error-midstream");
        Assert.That(rec.Expected.ErrorType, Is.EqualTo("overloaded_error"));
        Assert.That(rec.Expected.HasMessageStop, Is.False);
        Assert.That(rec.Expected.StopReason, Is.Null);
        Assert.That(rec.Layout.Frames[^1].EventType, Is.EqualTo("error"));
        Assert.That(rec.Layout.TailStart, Is.EqualTo(rec.Body.Length));
    }

    [Test]
    public void Error_first_is_a_200_whose_body_is_one_padded_overloaded_error_frame()
    {
        var rec = Load(ErrorFirst);
        string body = Encoding.UTF8.GetString(rec.Body);

        Assert.That(rec.Meta.Status, Is.EqualTo(200));
        Assert.That(rec.Meta.Headers.ToDictionary(h => h.Key, h => h.Value)["content-type"], Is.EqualTo("text/event-stream; charset=utf-8"));
        Assert.That(rec.Layout.Frames, Has.Count.EqualTo(1));
        Assert.That(body, Does.Match("""^event: error\ndata: \{"type":"error","error":\{"details":null,"type":"overloaded_error","message":"Overloaded"\},"request_id":"req_[0-9A-Za-z]{20,}" {14}\}\n\n$"""));
        Assert.That(rec.Expected.Text, Is.Empty);
        Assert.That(rec.Expected.Blocks, Is.Empty);
        Assert.That(rec.Expected.ErrorType, Is.EqualTo("overloaded_error"));
        Assert.That(rec.Expected.HasMessageStart, Is.False);
        Assert.That(rec.Expected.HasMessageStop, Is.False);
        Assert.That(rec.Expected.StopReason, Is.Null);
    }

    [Test]
    public void Text_long_cjk_has_multi_byte_text_in_many_deltas()
    {
        var e = Load("text-long-cjk").Expected;
        Assert.That(e.TextDeltaCount, Is.GreaterThanOrEqualTo(60));
        Assert.That(e.Text, Does.Contain("茶道").And.Contain("다도").And.Contain("🍵").And.Contain("👨‍👩‍👧‍👦"));
        Assert.That(e.Text.Count(c => c > 0x7F), Is.GreaterThan(100), "multi-byte characters throughout");
    }

    [Test]
    public void Tool_use_input_arrives_cut_inside_strings_and_numbers_after_an_empty_first_piece()
    {
        var rec = Load("tool-use");
        var pieces = DataOf(rec).Select(d => JsonDocument.Parse(d).RootElement)
            .Where(r => r.GetProperty("type").GetString() == "content_block_delta"
                && r.GetProperty("delta").GetProperty("type").GetString() == "input_json_delta")
            .Select(r => r.GetProperty("delta").GetProperty("partial_json").GetString()!)
            .ToList();

        Assert.That(pieces[0], Is.Empty);
        Assert.That(pieces, Does.Contain("tion\": \"São Pa"), "a cut inside a string");
        Assert.That(pieces, Does.Contain(", \"lat\": -23."), "a cut inside a number");
        var tool = rec.Expected.Blocks.Single(b => b.Type == "tool_use");
        using var input = JsonDocument.Parse(tool.Text);
        Assert.That(input.RootElement.GetProperty("lat").GetDouble(), Is.EqualTo(-23.5505));
    }

    [Test]
    public void Thinking_has_a_signature_before_its_stop_and_then_text()
    {
        var rec = Load("thinking");
        Assert.That(rec.Expected.Blocks.Select(b => b.Type), Is.EqualTo(new[] { "thinking", "text" }));
        Assert.That(rec.Expected.Blocks[0].Text, Does.Contain("12231"));
        var frames = DataOf(rec).ToList();
        int stop = frames.FindIndex(d => d.Contains("\"content_block_stop\",\"index\":0", StringComparison.Ordinal));
        Assert.That(frames[stop - 1], Does.Contain("\"signature_delta\""));
    }

    [Test]
    public void Redacted_thinking_arrives_whole_between_thinking_and_text()
    {
        var e = Load("redacted-thinking").Expected;
        Assert.That(e.Blocks.Select(b => b.Type), Is.EqualTo(new[] { "thinking", "redacted_thinking", "text" }));
    }

    [Test]
    public void Quirk_recordings_carry_their_quirks_on_the_wire()
    {
        string Body(string n) => Encoding.UTF8.GetString(Load(n).Body);

        Assert.That(Body("pings"), Does.Contain("event: ping\ndata: {\"type\": \"ping\"}\n\n"));
        Assert.That(Body("padded-json"), Does.Contain("{\"type\":\"message_stop\"              }"));
        string crlf = Body("crlf-keepalive");
        Assert.That(crlf, Does.Contain(": keep-alive\r\n\r\n"));
        Assert.That(crlf.Replace("\r\n", string.Empty, StringComparison.Ordinal), Does.Not.Contain('\n'), "every line ends with CRLF");
        Assert.That(Body("unknown-types"), Does.Contain("event: message_annotation").And.Contain("\"sparkle_delta\""));
        Assert.That(Body("refusal"), Does.Contain("\"stop_details\""));
    }

    [Test]
    public void Realistic_timing_has_a_first_token_near_300_ms_then_10_to_60_ms_gaps()
    {
        var rec = Load("realistic-timing");
        var at = rec.Meta.Timeline!.ToDictionary(c => c.Offset, c => c.AtMs);
        var tokenTimes = rec.Layout.Frames.Where(f => f.EventType == "content_block_delta").Select(f => at[f.Start]).ToList();

        Assert.That(tokenTimes[0], Is.InRange(250.0, 350.0));
        var gaps = tokenTimes.Zip(tokenTimes.Skip(1), (a, b) => b - a).ToList();
        Assert.That(gaps, Has.All.InRange(9.9, 60.1));
        Assert.That(gaps.Max() - gaps.Min(), Is.GreaterThan(20), "gaps vary like a real stream");
    }

    [Test]
    public void Text_long_cjk_timeline_has_network_cuts_inside_frames()
    {
        var rec = Load("text-long-cjk");
        var frameStarts = rec.Layout.Frames.Select(f => f.Start).ToHashSet();
        Assert.That(rec.Meta.Timeline!.Count(c => !frameStarts.Contains(c.Offset)), Is.GreaterThan(0));
        Assert.That(rec.Meta.Timeline!.Count(c => (rec.Body[c.Offset] & 0xC0) == 0x80), Is.GreaterThan(0), "some reads end inside a multi-byte character");
        Assert.That(rec.Meta.Timeline![^1].Offset, Is.LessThan(rec.Body.Length));
    }

    [Test]
    public void Citations_arrive_as_citations_deltas_that_carry_no_text()
    {
        var rec = Load("citations");
        var citations = DataOf(rec).Where(d => d.Contains("\"citations_delta\"", StringComparison.Ordinal)).ToList();

        Assert.That(citations, Has.Count.EqualTo(2));
        Assert.That(citations, Has.All.Contains("\"type\":\"char_location\""));
        Assert.That(rec.Expected.Text, Does.Not.Contain("handbook, the service level objective for the public API is 99.9 percent monthly availability, measured at the load balancer.The public"));
    }

    [Test]
    public void Server_tool_streams_its_input_then_the_result_block_arrives_whole()
    {
        var rec = Load("server-tool");
        var blocks = rec.Expected.Blocks;

        Assert.That(blocks.Select(b => b.Type), Is.EqualTo(new[] { "text", "server_tool_use", "web_search_tool_result", "text" }));
        Assert.That(blocks[1].Text, Is.EqualTo("{\"query\": \".NET 10 release notes runtime\"}"));
        Assert.That(blocks[2].Text, Is.Empty, "no deltas for a server tool result");
        Assert.That(DataOf(rec).Count(d => d.Contains("\"index\":2", StringComparison.Ordinal)), Is.EqualTo(2), "start and stop only");
        Assert.That(DataOf(rec).Single(d => d.StartsWith("{\"type\":\"message_delta\"", StringComparison.Ordinal)), Does.Contain("\"server_tool_use\":{\"web_search_requests\":1}"));
    }

    [Test]
    public void Refusal_details_carry_a_category_and_an_explanation()
    {
        var delta = DataOf(Load("refusal-details")).Single(d => d.StartsWith("{\"type\":\"message_delta\"", StringComparison.Ordinal));
        Assert.That(delta, Does.Contain("\"stop_details\":{\"type\":\"refusal\",\"category\":\"bio\",\"explanation\":\"The request"));
    }

    [TestCase("thinking-omitted")]
    [TestCase("long-thinking-pings")]
    public void Omitted_thinking_opens_a_block_with_one_signature_and_no_thinking_text(string name)
    {
        var rec = Load(name);
        Assert.That(rec.Expected.Blocks[0], Is.EqualTo(new Model.ExpectedBlock(0, "thinking", "")));
        Assert.That(DataOf(rec).Count(d => d.Contains("\"signature_delta\"", StringComparison.Ordinal)), Is.EqualTo(1));
        Assert.That(DataOf(rec).Any(d => d.Contains("\"thinking_delta\"", StringComparison.Ordinal)), Is.False);
    }

    [Test]
    public void Long_thinking_is_carried_by_pings_seconds_apart_in_the_timeline()
    {
        var rec = Load("long-thinking-pings");
        var pingStarts = rec.Layout.Frames.Where(f => f.EventType == "ping").Select(f => f.Start).ToHashSet();
        var timeline = rec.Meta.Timeline!;
        var gaps = timeline.Zip(timeline.Skip(1)).Where(p => pingStarts.Contains(p.Second.Offset)).Select(p => p.Second.AtMs - p.First.AtMs).ToList();

        Assert.That(gaps, Has.Count.EqualTo(4));
        Assert.That(gaps, Is.All.InRange(15_000, 30_000), "pings every 15-30 s while thinking is omitted");
    }

    [Test]
    public void The_whole_folder_loads_by_glob_in_name_order()
    {
        var all = RecordingLoader.LoadGlob("*.sse", RepoPaths.RecordingsFolder);
        Assert.That(all.Select(r => r.Name), Is.EqualTo(Names()));
    }

    private static string FirstData(Recording rec) => DataOf(rec).First();

    private static IEnumerable<string> DataOf(Recording rec) =>
        System.Net.ServerSentEvents.SseParser.Create(new MemoryStream(rec.Body)).Enumerate().Select(i => i.Data);
}
