using System.Text;

namespace TinyAgent.Client.Tests.Fuzz;

/// <summary>
/// Deltas in the API's exact layout take a fast path that skips the JSON reader. One space after the opening brace
/// sends the same delta through the reader; both must give the same message, or the same error.
/// </summary>
internal sealed class CanonicalDeltaTests
{
    private static readonly byte[] Canonical = "data: {\"type\":\"content_block_delta\""u8.ToArray();
    private static readonly byte[] Spaced = "data: { \"type\":\"content_block_delta\""u8.ToArray();

    private static byte[] ForceReader(byte[] body)
    {
        var text = Encoding.Latin1.GetString(body); // byte-preserving, so invalid UTF-8 survives the round trip
        return Encoding.Latin1.GetBytes(text.Replace(Encoding.Latin1.GetString(Canonical), Encoding.Latin1.GetString(Spaced), StringComparison.Ordinal));
    }

    private static async Task AssertSameOutcomeAsync(byte[] body, string name)
    {
        byte[] spaced = ForceReader(body);
        foreach (bool enumerate in new[] { false, true })
        {
            string fast = await FuzzKit.OutcomeAsync([body], enumerate).WaitAsync(FuzzKit.ParseBound);
            string reader = await FuzzKit.OutcomeAsync([spaced], enumerate).WaitAsync(FuzzKit.ParseBound);
            Assert.That(fast, Is.EqualTo(reader), $"{name} (enumerate: {enumerate})");
        }
    }

    [Test]
    public async Task Every_bundled_recording_reads_the_same_with_and_without_the_fast_path()
    {
        var recordings = FuzzKit.Recordings;
        Assert.That(recordings, Has.Count.GreaterThanOrEqualTo(10), "the bundled recordings were found");
        int canonical = 0;
        foreach (var (name, body) in recordings)
        {
            canonical += ForceReader(body).Length - body.Length;
            await AssertSameOutcomeAsync(body, name);
        }

        Assert.That(canonical, Is.GreaterThan(100), "the recordings hold canonical deltas, so both paths ran");
    }

    private static readonly (string Name, byte[] Value)[] Values =
    [
        ("plain", "hello"u8.ToArray()),
        ("raw UTF-8", "até 日本 🙂"u8.ToArray()),
        ("escapes", @"a\nb \""q\"" \\ \/ \t"u8.ToArray()),
        ("surrogate escape", @"\uD83D\uDE42 \u00e9"u8.ToArray()),
        ("trailing backslash escape", @"ends \\"u8.ToArray()),
        ("every single-character escape", @"\b\f\n\r\t\""\\\/ end"u8.ToArray()),
        ("single escapes around raw UTF-8", @"é\n日\t🙂\"""u8.ToArray()),
        ("a single escape then a unicode escape", @"x\n\u00e9y"u8.ToArray()),
        ("invalid UTF-8 before an escape", [0xC3, 0x5C, 0x6E]),
        ("BMP unicode escapes in both cases", @"\u00e9\u00E9\u65e5 \u0041"u8.ToArray()),
        ("a surrogate pair escape between text", @"a\uD83D\uDE42b\ud83d\ude42"u8.ToArray()),
        ("a high surrogate escape then a non-surrogate", @"\uD83D\u0041"u8.ToArray()),
        ("a high surrogate escape then raw text", @"\uD83Dabcdef"u8.ToArray()),
        ("a lone low surrogate escape", @"\uDE42"u8.ToArray()),
        ("a non-hex unicode escape", @"\u12G4"u8.ToArray()),
        ("a signed unicode escape", @"\u+123"u8.ToArray()),
        ("bad escape", @"bad \x"u8.ToArray()),
        ("lone surrogate escape", @"\uD83D"u8.ToArray()),
        ("short unicode escape", @"\u12"u8.ToArray()),
        ("raw control character", [(byte)'a', 0x01, (byte)'b']),
        ("raw newline", [(byte)'a', (byte)'\r', (byte)'b']),
        ("invalid UTF-8", [(byte)'a', 0xFF, (byte)'b']),
        ("truncated UTF-8", [(byte)'a', 0xE6, 0x97]),
        ("invalid UTF-8 after an escape", [0x5C, 0x6E, 0xC3, 0x28]),
        ("empty", []),
    ];

    private static IEnumerable<TestCaseData> Cases() =>
        from v in Values
        from shape in new[] { "text", "json", "thinking", "bad index", "leading zero", "wrong block" }
        select new TestCaseData(v.Name, shape).SetName($"A {v.Name} value as {shape} reads the same on both paths");

    [TestCaseSource(nameof(Cases))]
    public async Task Edge_values_read_the_same_on_both_paths(string valueName, string shape)
    {
        byte[] value = Values.Single(v => v.Name == valueName).Value;
        var (blockStart, deltaType, field, index) = shape switch
        {
            "json" => ("""{"type":"tool_use","id":"toolu_1","name":"f","input":{}}""", "input_json_delta", "partial_json", "0"),
            "thinking" => ("""{"type":"thinking","thinking":"","signature":""}""", "thinking_delta", "thinking", "0"),
            "bad index" => ("""{"type":"text","text":""}""", "text_delta", "text", "7"),
            "leading zero" => ("""{"type":"text","text":""}""", "text_delta", "text", "00"),
            "wrong block" => ("""{"type":"text","text":""}""", "thinking_delta", "thinking", "0"),
            _ => ("""{"type":"text","text":""}""", "text_delta", "text", "0"),
        };
        var body = new MemoryStream();
        void Write(string s) => body.Write(Encoding.UTF8.GetBytes(s));
        Write("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"m\",\"content\":[],\"stop_reason\":null,\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}}\n\n");
        Write($"event: content_block_start\ndata: {{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{blockStart}}}\n\n");
        Write($"event: content_block_delta\ndata: {{\"type\":\"content_block_delta\",\"index\":{index},\"delta\":{{\"type\":\"{deltaType}\",\"{field}\":\"");
        body.Write(value);
        Write("\"}}\n\n");
        Write("event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n");
        Write("event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"},\"usage\":{\"output_tokens\":2}}\n\n");
        Write("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
        await AssertSameOutcomeAsync(body.ToArray(), $"{valueName} as {shape}");
    }
}
