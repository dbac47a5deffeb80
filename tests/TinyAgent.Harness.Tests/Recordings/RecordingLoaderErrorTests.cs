using System.Text;
using TinyAgent.Harness.Recordings;
using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Tests.Recordings;

internal sealed class RecordingLoaderErrorTests
{
    private const string Start = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_01x\"}}\n\n";
    private const string TextStart = "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n";
    private const string Stop = "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
    private const string Valid = Start + TextStart + Stop; // 248 bytes

    /// <summary>Bad bodies: (case, body, expected message with {f} for the file as given).</summary>
    private static IEnumerable<TestCaseData> BadBodies()
    {
        static TestCaseData Case(string name, byte[] body, string message) => new TestCaseData(body, message).SetArgDisplayNames(name);
        static byte[] U(string s) => Encoding.UTF8.GetBytes(s);

        yield return Case("empty file", [], "{f}: recording is empty (0 bytes)");
        yield return Case("binary garbage", [.. U("event: x\n"), 0x00, 0x01, 0xFF, 0x7E], "{f}:2:1: binary data, not text (byte 0x00 at byte offset 9)");
        yield return Case("control byte", U("event: message_start\ndata: {}\u0007\n\n"), "{f}:2:9: binary data, not text (byte 0x07 at byte offset 29)");
        yield return Case("invalid UTF-8", [.. U("event: message_start\ndata: {\"a\":\""), 0xC3, 0x28, .. U("\"}\n\n")], "{f}:2:13: invalid UTF-8 (byte 0xC3 at byte offset 33)");
        yield return Case("UTF-8 cut at the end", [.. U(Valid), 0xE6, 0x97], "{f}:10:1: invalid UTF-8 (byte 0xE6 at byte offset 248)");
        yield return Case("invalid JSON in data", U(Start + "event: ping\ndata: {\"type\": oops}\n\n"), "{f}:5:16: data of event 'ping' is not valid JSON: 'o' is an invalid start of a value");
        yield return Case("invalid JSON after CRLF lines", U(Start.Replace("\n", "\r\n", StringComparison.Ordinal) + "data: [1,,2]\r\n\r\n"), "{f}:4:10: data of an event is not valid JSON: ',' is an invalid start of a value");
        yield return Case("empty data line", U(Start + "event: ping\ndata:\n\n"), "{f}:5:6: data of event 'ping' is empty; expected a JSON object");
        yield return Case("two JSON values", U(Start + "event: ping\ndata: {} {}\n\n"), "{f}:5:10: data of event 'ping' is not valid JSON: '{' is invalid after a single JSON value. Expected end of data");
        yield return Case("JSON over two data lines", U(Start + "event: ping\ndata: {\"type\":\ndata:  oops}\n\n"), "{f}:6:8: data of event 'ping' is not valid JSON: 'o' is an invalid start of a value");
        yield return Case("no message_start", U("event: ping\ndata: {\"type\": \"ping\"}\n\n" + Stop), "{f}: no message_start event (the first event is 'ping'); a Messages stream starts with one or with an error event");
        yield return Case("plain text, no events", U("hello world\n"), "{f}: no message_start event (it has no events); a Messages stream starts with one or with an error event");
        yield return Case("block without index", U(Start + "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"content_block\":{\"type\":\"text\"}}\n\n"), "{f}: event 2 (content_block_start): missing field 'index'");
        yield return Case("index as a string", U(Start + TextStart + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":\"0\",\"delta\":{\"type\":\"text_delta\",\"text\":\"a\"}}\n\n"), "{f}: event 3 (content_block_delta): field 'index' must be a non-negative integer, not a JSON string (\"0\")");
        yield return Case("delta without text", U(Start + TextStart + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\"}}\n\n"), "{f}: event 3 (content_block_delta): missing field 'delta.text'");
        yield return Case("delta for a block never started", U(Start + "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":4,\"delta\":{\"type\":\"text_delta\",\"text\":\"a\"}}\n\n"), "{f}: event 2: content_block_delta for block 4, which never started");
        yield return Case("data is an array", U("event: message_start\ndata: [1]\n\n"), "{f}: event 1 (message_start): data is a JSON array, not an object");
        yield return Case("message_delta without delta", U(Start + "event: message_delta\ndata: {\"type\":\"message_delta\",\"usage\":{}}\n\n"), "{f}: event 2 (message_delta): missing field 'delta'");
    }

    /// <summary>Bad sidecars next to a valid 248-byte body: (case, sidecar, expected message with {m} for the sidecar).</summary>
    private static IEnumerable<TestCaseData> BadSidecars()
    {
        static TestCaseData Case(string name, string sidecar, string message) => new TestCaseData(sidecar, message).SetArgDisplayNames(name);

        yield return Case("JSON syntax error", "{\n  \"status\": 200,\n  \"headers\": {]\n}", "{m}:3:15: sidecar is not valid JSON: ']' is an invalid start of a property name. Expected a '\"'");
        yield return Case("not an object", "[]", "{m}: sidecar must be a JSON object, not an array");
        yield return Case("status as a string", "{\"status\":\"200\"}", "{m}: field 'status' must be an integer from 100 to 599, not a string (\"200\")");
        yield return Case("status out of range", "{\"status\":99}", "{m}: field 'status' must be an integer from 100 to 599, not a number (99)");
        yield return Case("unknown field", "{\"stauts\":200}", "{m}: unknown field 'stauts' (known: status, headers, timeline, format)");
        yield return Case("headers as an array", "{\"headers\":[]}", "{m}: field 'headers' must be an object of name to string value, not an array");
        yield return Case("header value a number", "{\"headers\":{\"retry-after\":5}}", "{m}: field 'headers.retry-after' must be a string, not a number (5)");
        yield return Case("bad header name", "{\"headers\":{\"x bad\":\"1\"}}", "{m}: header name 'x bad' is not a valid HTTP header name");
        yield return Case("timeline not an array", "{\"timeline\":{}}", "{m}: field 'timeline' must be an array of {\"offset\",\"atMs\"}, not an object");
        yield return Case("timeline empty", "{\"timeline\":[]}", "{m}: field 'timeline' is empty; omit it for one chunk per frame");
        yield return Case("timeline entry not an object", "{\"timeline\":[0]}", "{m}: timeline[0] must be an object {\"offset\",\"atMs\"}, not a number (0)");
        yield return Case("first offset not 0", "{\"timeline\":[{\"offset\":3,\"atMs\":0}]}", "{m}: timeline[0].offset must be 0, not 3");
        yield return Case("offset negative", "{\"timeline\":[{\"offset\":-1,\"atMs\":0}]}", "{m}: timeline[0].offset must be a non-negative integer (bytes), not a number (-1)");
        yield return Case("atMs as a string", "{\"timeline\":[{\"offset\":0,\"atMs\":\"1\"}]}", "{m}: timeline[0].atMs must be a non-negative number (milliseconds), not a string (\"1\")");
        yield return Case("entry missing atMs", "{\"timeline\":[{\"offset\":0}]}", "{m}: timeline[0] is missing 'atMs'");
        yield return Case("entry unknown field", "{\"timeline\":[{\"offset\":0,\"atMs\":0,\"size\":4}]}", "{m}: timeline[0] has unknown field 'size' (known: offset, atMs)");
        yield return Case("offsets not ascending", "{\"timeline\":[{\"offset\":0,\"atMs\":0},{\"offset\":100,\"atMs\":5},{\"offset\":100,\"atMs\":6}]}", "{m}: timeline[2].offset 100 is not after timeline[1].offset 100; offsets must ascend");
        yield return Case("time going back", "{\"timeline\":[{\"offset\":0,\"atMs\":10},{\"offset\":100,\"atMs\":5}]}", "{m}: timeline[1].atMs 5 is before timeline[0].atMs 10; times must not go back");
        yield return Case("offset beyond the body", "{\"timeline\":[{\"offset\":0,\"atMs\":0},{\"offset\":248,\"atMs\":5}]}", "{m}: timeline[1].offset 248 is at or beyond the body length 248: sidecar contradicts body length");
    }

    /// <summary>Overloaded at the start, the API answers 200 with one error frame: pings, comments or CRLF before it change nothing.</summary>
    [TestCase("")]
    [TestCase(": keep-alive\n\nevent: ping\ndata: {\"type\": \"ping\"}\n\n")]
    [TestCase("\r\n")]
    public void A_body_whose_first_event_is_an_error_is_a_valid_stream(string before)
    {
        const string Error = "event: error\ndata: {\"type\":\"error\",\"error\":{\"details\":null,\"type\":\"overloaded_error\",\"message\":\"Overloaded\"},\"request_id\":\"req_011x\"              }\n\n";
        string text = before == "\r\n" ? Error.Replace("\n", "\r\n", StringComparison.Ordinal) : before + Error;

        var (layout, expected) = RecordingLoader.ValidateBody("e.sse", Encoding.UTF8.GetBytes(text))!.Value;

        Assert.That(layout.Frames.Last(f => f.EventType is not null).EventType, Is.EqualTo("error"));
        Assert.That(expected.ErrorType, Is.EqualTo("overloaded_error"));
        Assert.That(expected.Text, Is.Empty);
        Assert.That(expected.HasMessageStart, Is.False);
        Assert.That(expected.HasMessageStop, Is.False);
        Assert.That(expected.IsComplete, Is.False);
    }

    [Test]
    public void A_body_with_content_before_its_error_still_needs_message_start()
    {
        const string Body = "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
            + "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n";

        var ex = Assert.Throws<HarnessInputException>(() => RecordingLoader.ValidateBody("e.sse", Encoding.UTF8.GetBytes(Body)));

        Assert.That(ex!.Message, Is.EqualTo("e.sse: no message_start event (the first event is 'content_block_start'); a Messages stream starts with one or with an error event"));
    }

    [Test]
    public void Sidecar_with_invalid_UTF_8_is_rejected_with_its_position()
    {
        var ex = Assert.Throws<HarnessInputException>(() => RecordingLoader.ParseSidecar("r.meta.json", [.. "{\n \"headers\": {\"a\": \""u8, 0xEF, .. "\"}}"u8], 10));
        Assert.That(ex!.Message, Is.EqualTo("r.meta.json:2:20: sidecar is not valid UTF-8 (byte 0xEF at byte offset 21)"));
    }

    [TestCaseSource(nameof(BadBodies))]
    public void Bad_body_is_rejected_with_one_exact_line(byte[] body, string message)
    {
        using var dir = new TempFolder();
        string file = dir.File("bad.sse");
        File.WriteAllBytes(file, body);

        var ex = Assert.Throws<HarnessInputException>(() => RecordingLoader.Load(file));
        Assert.That(ex!.Message, Is.EqualTo(message.Replace("{f}", file, StringComparison.Ordinal)));
        Assert.That(ex!.Message, Does.Not.Contain('\n'));
    }

    [TestCaseSource(nameof(BadSidecars))]
    public void Bad_sidecar_is_rejected_with_one_exact_line(string sidecar, string message)
    {
        using var dir = new TempFolder();
        string file = dir.File("bad.sse");
        File.WriteAllText(file, Valid);
        File.WriteAllText(dir.File("bad.meta.json"), sidecar);
        Assert.That(new FileInfo(file).Length, Is.EqualTo(248));

        var ex = Assert.Throws<HarnessInputException>(() => RecordingLoader.Load(file));
        Assert.That(ex!.Message, Is.EqualTo(message.Replace("{m}", dir.File("bad.meta.json"), StringComparison.Ordinal)));
        Assert.That(ex!.Message, Does.Not.Contain('\n'));
    }

    [Test]
    public void Path_that_climbs_out_of_the_recordings_folder_is_rejected()
    {
        using var dir = new TempFolder();
        string root = Directory.CreateDirectory(dir.File("recordings")).FullName;
        File.WriteAllText(dir.File("outside.sse"), Valid);

        var ex = Assert.Throws<HarnessInputException>(() => RecordingLoader.Load("../outside.sse", root));
        Assert.That(ex!.Message, Is.EqualTo($"../outside.sse: path is outside the recordings folder '{root}'"));
        ex = Assert.Throws<HarnessInputException>(() => RecordingLoader.Load(dir.File("outside.sse"), root));
        Assert.That(ex!.Message, Is.EqualTo($"{dir.File("outside.sse")}: path is outside the recordings folder '{root}'"));
    }

    [Test]
    public void Symbolic_link_that_leads_out_of_the_recordings_folder_is_rejected()
    {
        using var dir = new TempFolder();
        string root = Directory.CreateDirectory(dir.File("recordings")).FullName;
        File.WriteAllText(dir.File("secret.sse"), Valid);
        File.CreateSymbolicLink(Path.Combine(root, "link.sse"), dir.File("secret.sse"));
        Directory.CreateSymbolicLink(Path.Combine(root, "sub"), dir.Path);

        var ex = Assert.Throws<HarnessInputException>(() => RecordingLoader.Load("link.sse", root));
        Assert.That(ex!.Message, Is.EqualTo($"link.sse: symbolic link leads outside the recordings folder '{root}'"));
        ex = Assert.Throws<HarnessInputException>(() => RecordingLoader.Load("sub/secret.sse", root));
        Assert.That(ex!.Message, Is.EqualTo($"sub/secret.sse: symbolic link leads outside the recordings folder '{root}'"));
    }

    [Test]
    public void Symbolic_link_that_stays_inside_the_folder_is_allowed()
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir.File("real.sse"), Valid);
        File.CreateSymbolicLink(dir.File("alias.sse"), dir.File("real.sse"));

        Assert.That(RecordingLoader.Load("alias.sse", dir.Path).Body, Has.Length.EqualTo(248));
    }

    [Test]
    public void Missing_file_and_a_glob_that_matches_nothing_are_one_line_errors()
    {
        using var dir = new TempFolder();

        Assert.That(Assert.Throws<HarnessInputException>(() => RecordingLoader.Load("nope.sse", dir.Path))!.Message,
            Is.EqualTo("nope.sse: recording not found"));
        Assert.That(Assert.Throws<HarnessInputException>(() => RecordingLoader.LoadGlob("**/*.sse", dir.Path))!.Message,
            Is.EqualTo($"**/*.sse: matches no .sse files under '{dir.Path}'"));
    }

    [Test]
    public void A_glob_cannot_reach_outside_its_base_folder()
    {
        using var dir = new TempFolder();
        string root = Directory.CreateDirectory(dir.File("recordings")).FullName;
        File.WriteAllText(dir.File("outside.sse"), Valid);

        var ex = Assert.Throws<HarnessInputException>(() => RecordingLoader.LoadGlob("../*.sse", root));
        Assert.That(ex!.Message, Is.EqualTo($"../*.sse: a recordings glob must stay inside '{root}' (no '..' and no absolute path)"));
    }

    [Test]
    public void Recording_without_sidecar_gets_the_defaults()
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir.File("plain.sse"), Valid);

        var rec = RecordingLoader.Load(dir.File("plain.sse"));
        Assert.That(rec.Meta, Is.SameAs(RecordingMeta.Default));
        Assert.That(rec.Name, Is.EqualTo("plain"));
    }

    [Test]
    public void Stream_with_an_error_event_and_no_message_stop_is_a_valid_recording()
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir.File("err.sse"), Start + TextStart +
            "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\nevent: content_block_delta\ndata: {\"ty");

        var e = RecordingLoader.Load(dir.File("err.sse")).Expected;
        Assert.That(e.ErrorType, Is.EqualTo("overloaded_error"));
        Assert.That(e.HasMessageStop, Is.False);
    }

    [Test]
    public void Non_2xx_recording_is_checked_as_text_only()
    {
        using var dir = new TempFolder();
        File.WriteAllText(dir.File("rate.sse"), "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"slow down\"}}");
        File.WriteAllText(dir.File("rate.meta.json"), "{\"status\":429,\"headers\":{\"content-type\":\"application/json\",\"retry-after\":\"2\"}}");

        var rec = RecordingLoader.Load(dir.File("rate.sse"));
        Assert.That(rec.Meta.Status, Is.EqualTo(429));
        Assert.That(rec.Meta.Headers, Does.Contain(new KeyValuePair<string, string>("retry-after", "2")));
    }
}
