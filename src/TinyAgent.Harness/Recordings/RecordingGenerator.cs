using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Bogus;

namespace TinyAgent.Harness.Recordings;

/// <summary>Options for <see cref="RecordingGenerator"/>. Every recording is drawn from these ranges with its own seeded random source.</summary>
internal sealed record GeneratorOptions
{
    /// <summary>Seed; the same seed and index give the same bytes.</summary>
    public int Seed { get; init; }

    /// <summary>Words in the answer's text block (inclusive range). Default 20 to 300.</summary>
    public int MinWords { get; init; } = 20;
    public int MaxWords { get; init; } = 300;

    /// <summary>Share of recordings (0 to 1) that open with a thinking block (with signature). Default 0.3.</summary>
    public double ThinkingShare { get; init; } = 0.3;

    /// <summary>Share of recordings (0 to 1) that end with tool calls (stop_reason tool_use). Default 0.3.</summary>
    public double ToolUseShare { get; init; } = 0.3;

    /// <summary>Most tool calls in one recording (at least 1 when tool use is drawn). Default 3.</summary>
    public int MaxToolCalls { get; init; } = 3;

    /// <summary>Time to the first token, milliseconds; drawn within ±20 %. Default 300.</summary>
    public double FirstTokenMs { get; init; } = 300;

    /// <summary>Gap between token events, milliseconds (inclusive range). Default 10 to 60.</summary>
    public double MinGapMs { get; init; } = 10;
    public double MaxGapMs { get; init; } = 60;

    /// <summary>Model name written in <c>message_start</c>.</summary>
    public string Model { get; init; } = "claude-sonnet-4-5-20250929";

    /// <summary>Throws <see cref="ArgumentException"/> with a one-line message naming the first bad option.</summary>
    public void Validate()
    {
        static void Check(bool ok, string name, string what)
        {
            if (!ok)
            {
                throw new ArgumentException($"generator option '{name}' {what}", name);
            }
        }

        Check(MinWords >= 1, nameof(MinWords), $"must be at least 1, not {MinWords}");
        Check(MaxWords >= MinWords, nameof(MaxWords), $"({MaxWords}) must not be less than MinWords ({MinWords})");
        Check(ThinkingShare is >= 0 and <= 1, nameof(ThinkingShare), $"must be between 0 and 1, not {ThinkingShare}");
        Check(ToolUseShare is >= 0 and <= 1, nameof(ToolUseShare), $"must be between 0 and 1, not {ToolUseShare}");
        Check(MaxToolCalls >= 1, nameof(MaxToolCalls), $"must be at least 1, not {MaxToolCalls}");
        Check(FirstTokenMs >= 0, nameof(FirstTokenMs), $"must not be negative, not {FirstTokenMs}");
        Check(MinGapMs >= 0, nameof(MinGapMs), $"must not be negative, not {MinGapMs}");
        Check(MaxGapMs >= MinGapMs, nameof(MaxGapMs), $"({MaxGapMs}) must not be less than MinGapMs ({MinGapMs})");
        Check(!string.IsNullOrWhiteSpace(Model), nameof(Model), "must not be empty");
    }
}

/// <summary>A synthetic recording: its name (without <c>.sse</c>), body and sidecar.</summary>
internal sealed record GeneratedRecording(string Name, byte[] Body, RecordingMeta Meta);

/// <summary>
/// Realistic synthetic recordings made with Bogus: text of a chosen length (with some emoji and CJK so multi-byte
/// UTF-8 appears), tool calls whose JSON input is cut at random places (inside strings and numbers), thinking blocks
/// with a signature, and a sidecar timeline with realistic token timing. Deterministic for a seed: each recording
/// uses its own <see cref="Randomizer"/>, never Bogus's global seed.
/// </summary>
internal static class RecordingGenerator
{
    private const string Base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static readonly string[] Spice = ["🚀", "✨", "👍", "☕", "🎉", "日本語", "中文", "한국어", "é", "naïve", "Ω", "→", "👨‍👩‍👧", "🇯🇵"];
    private static readonly string[] Tools = ["get_weather", "search_docs", "read_file", "run_sql", "create_ticket"];
    private static readonly JsonSerializerOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static GeneratedRecording Generate(GeneratorOptions options, int index)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var faker = new Faker { Random = new Randomizer(MixSeed(options.Seed, index)) };
        var rng = faker.Random;
        var sse = new SseStreamBuilder();
        sse.MessageStart(Id(rng, "msg_01", 22), options.Model, rng.Int(12, 4000));

        int block = 0;
        if (rng.Double() < options.ThinkingShare)
        {
            sse.ThinkingStart(block);
            foreach (string piece in Pieces(rng, Words(faker, rng.Int(15, 120)), 1, 4))
            {
                sse.Delta(block, "thinking_delta", "thinking", piece);
            }

            sse.Delta(block, "signature_delta", "signature", "Eq" + Id(rng, string.Empty, rng.Int(120, 320)) + "==");
            sse.BlockStop(block++);
        }

        if (rng.Int(0, 3) == 0)
        {
            sse.Ping();
        }

        sse.TextStart(block);
        foreach (string piece in Pieces(rng, Words(faker, rng.Int(options.MinWords, options.MaxWords)), 1, 3))
        {
            sse.Delta(block, "text_delta", "text", piece);
        }

        sse.BlockStop(block++);

        string stopReason = "end_turn";
        if (rng.Double() < options.ToolUseShare)
        {
            stopReason = "tool_use";
            int calls = rng.Int(1, options.MaxToolCalls);
            for (int c = 0; c < calls; c++)
            {
                string json = JsonSerializer.Serialize(ToolInput(faker), JsonOptions);
                sse.ToolUseStart(block, Id(rng, "toolu_01", 22), rng.ArrayElement(Tools));
                sse.Delta(block, "input_json_delta", "partial_json", string.Empty);
                foreach (string piece in CutAnywhere(rng, json, 1, 14))
                {
                    sse.Delta(block, "input_json_delta", "partial_json", piece);
                }

                sse.BlockStop(block++);
            }
        }

        sse.End(stopReason);
        var meta = new RecordingMeta(
            200,
            [.. RecordingMeta.Default.Headers, new("request-id", Id(rng, "req_011C", 20))],
            Timeline(rng, sse.Frames, options));
        return new GeneratedRecording($"gen-{options.Seed}-{index:D4}", sse.ToArray(), meta);
    }

    /// <summary>Writes <paramref name="count"/> recordings (<c>NAME.sse</c> + <c>NAME.meta.json</c>) into
    /// <paramref name="dir"/>, each file atomically. Returns the paths of the <c>.sse</c> files.</summary>
    public static IReadOnlyList<string> WriteTo(string dir, int count, int seed, GeneratorOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var opts = (options ?? new GeneratorOptions()) with { Seed = seed };
        var paths = new List<string>(count);
        for (int i = 0; i < count; i++)
        {
            var rec = Generate(opts, i);
            string path = Path.Combine(dir, rec.Name + RecordingLoader.Extension);
            RecordingWriter.Write(path, rec.Body, rec.Meta);
            paths.Add(path);
        }

        return paths;
    }

    /// <summary>
    /// One long text answer built in memory, for benchmarks and fuzzing: about <paramref name="targetBytes"/> bytes
    /// (10 MB gives about 64,000 events), one text block, complete with <c>message_stop</c>.
    /// </summary>
    public static byte[] BuildLargeText(int targetBytes, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(targetBytes);
        var faker = new Faker { Random = new Randomizer(seed) };
        var rng = faker.Random;
        string[] pool = [.. faker.Lorem.Words(500), .. Spice];
        var sse = new SseStreamBuilder(targetBytes + 1024);
        sse.MessageStart(Id(rng, "msg_01", 22), new GeneratorOptions().Model, 100);
        sse.TextStart(0);
        var sb = new StringBuilder(128);
        const int tail = 400; // room for the closing frames
        while (sse.Length < targetBytes - tail)
        {
            sb.Clear();
            int words = rng.Int(4, 10);
            for (int w = 0; w < words; w++)
            {
                sb.Append(' ').Append(rng.ArrayElement(pool));
            }

            sse.Delta(0, "text_delta", "text", sb.ToString());
        }

        sse.BlockStop(0);
        sse.End("end_turn");
        return sse.ToArray();
    }

    /// <summary>Mixes seed and index so neighbouring indexes get unrelated streams.</summary>
    private static int MixSeed(int seed, int index)
    {
        ulong x = ((ulong)(uint)seed << 32) | (uint)index;
        x ^= x >> 33;
        x *= 0xff51afd7ed558ccdUL;
        x ^= x >> 33;
        x *= 0xc4ceb9fe1a85ec53UL;
        x ^= x >> 33;
        return (int)x;
    }

    private static string Id(Randomizer rng, string prefix, int length)
    {
        var chars = new char[length];
        for (int i = 0; i < length; i++)
        {
            chars[i] = Base62[rng.Int(0, Base62.Length - 1)];
        }

        return prefix + new string(chars);
    }

    /// <summary>Lorem words with some punctuation, capitals and multi-byte words mixed in.</summary>
    private static List<string> Words(Faker faker, int count)
    {
        var words = new List<string>(count);
        bool capital = true;
        foreach (string w in faker.Lorem.Words(count))
        {
            string word = faker.Random.Int(0, 11) == 0 ? faker.Random.ArrayElement(Spice) : w;
            if (capital && word.Length > 0 && char.IsAsciiLetterLower(word[0]))
            {
                word = char.ToUpperInvariant(word[0]) + word[1..];
            }

            capital = faker.Random.Int(0, 9) == 0;
            words.Add(capital ? word + "." : word);
        }

        return words;
    }

    /// <summary>Groups words into token-like pieces (a leading space on all but the first).</summary>
    private static List<string> Pieces(Randomizer rng, List<string> words, int min, int max)
    {
        var pieces = new List<string>();
        for (int i = 0; i < words.Count;)
        {
            int n = Math.Min(rng.Int(min, max), words.Count - i);
            string piece = string.Join(' ', words.GetRange(i, n));
            pieces.Add(i == 0 ? piece : " " + piece);
            i += n;
        }

        return pieces;
    }

    /// <summary>Cuts a string into pieces of random length, anywhere except between a surrogate pair.</summary>
    private static List<string> CutAnywhere(Randomizer rng, string s, int min, int max)
    {
        var pieces = new List<string>();
        for (int i = 0; i < s.Length;)
        {
            int end = Math.Min(s.Length, i + rng.Int(min, max));
            if (end < s.Length && char.IsLowSurrogate(s[end]))
            {
                end++;
            }

            pieces.Add(s[i..end]);
            i = end;
        }

        return pieces;
    }

    private static Dictionary<string, object> ToolInput(Faker f) => f.Random.Int(0, 3) switch
    {
        0 => new() { ["location"] = f.Address.City() + ", " + f.Address.Country(), ["lat"] = Math.Round(f.Address.Latitude(), 4), ["lon"] = Math.Round(f.Address.Longitude(), 4), ["unit"] = f.PickRandom("celsius", "fahrenheit") },
        1 => new() { ["query"] = f.Lorem.Sentence(), ["limit"] = f.Random.Int(1, 100), ["include_archived"] = f.Random.Bool() },
        2 => new() { ["path"] = f.System.FilePath(), ["max_bytes"] = f.Random.Int(512, 1 << 20) },
        _ => new() { ["title"] = f.Hacker.Phrase(), ["priority"] = f.Random.Int(1, 5), ["labels"] = f.Lorem.Words(f.Random.Int(1, 4)), ["estimate_hours"] = Math.Round(f.Random.Double(0.5, 40), 1) },
    };

    /// <summary>One chunk per frame: message_start shortly before the first token, tokens at the configured gaps.</summary>
    private static List<RecordedChunk> Timeline(Randomizer rng, IReadOnlyList<(int Offset, bool Token)> frames, GeneratorOptions o)
    {
        var chunks = new List<RecordedChunk>(frames.Count);
        double firstToken = o.FirstTokenMs * rng.Double(0.8, 1.2);
        double t = Math.Max(0, firstToken - rng.Double(5, 40));
        bool seenToken = false;
        foreach (var (offset, token) in frames)
        {
            if (chunks.Count > 0)
            {
                t = token && !seenToken ? Math.Max(t, firstToken)
                    : token ? t + rng.Double(o.MinGapMs, o.MaxGapMs)
                    : t + rng.Double(0.1, 2.0);
            }

            seenToken |= token;
            chunks.Add(new RecordedChunk(offset, Math.Round(t, 1, MidpointRounding.AwayFromZero)));
        }

        return chunks;
    }
}
