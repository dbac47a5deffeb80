using TinyAgent.Harness.Formats;

namespace TinyAgent.Harness.Plan.Faults;

/// <summary>Options of <c>split</c>.</summary>
internal sealed record SplitOptions : IFaultOptions
{
    /// <summary>Every cut kind, in the order they are tried.</summary>
    public static IReadOnlyList<string> AllKinds { get; } = ["field-name", "after-data-colon", "json", "utf8", "crlf", "frame-end"];

    /// <summary>Cut kinds to use: <c>field-name</c>, <c>after-data-colon</c>, <c>json</c>, <c>utf8</c>, <c>crlf</c>, <c>frame-end</c>. Default: all (each used where it applies).</summary>
    public IReadOnlyList<string> Kinds { get; init; } = AllKinds;

    /// <summary>Share of frames that get a cut, 0 to 1 (each frame drawn from the seed). Default 1: every frame.</summary>
    public double Fraction { get; init; } = 1;

    /// <summary>Extra wait in milliseconds before the chunk after each cut. Default none.</summary>
    public int? DelayMs { get; init; }

    public IEnumerable<string> Validate()
    {
        if (Kinds.Count == 0)
        {
            yield return "kinds: must name at least one kind";
        }

        foreach (string kind in Kinds.Where(k => !AllKinds.Contains(k)))
        {
            yield return $"kinds: unknown split kind '{kind}' (known: {string.Join(", ", AllKinds)})";
        }

        if (!(Fraction >= 0 && Fraction <= 1))
        {
            yield return "fraction: must be between 0 and 1";
        }

        if (DelayMs < 0)
        {
            yield return "delayMs: must not be negative";
        }
    }
}

/// <summary>
/// Split: protocol-aware cuts at the places where readers break, each marked <c>Separate</c> so the
/// server delivers it as a read of its own. Each chosen frame gets one cut, of the least-used kind that
/// applies to it, so every configured kind the body allows is exercised. Lossless.
/// </summary>
[Fault("split", typeof(SplitOptions), FaultStage.Split)]
internal sealed class SplitFault(SplitOptions options) : Fault<SplitOptions>(options)
{
    public override void Apply(PlanBuilder plan)
    {
        byte[] body = plan.Body;
        var kinds = SplitOptions.AllKinds.Where(Options.Kinds.Contains).ToList();
        var used = kinds.ToDictionary(k => k, _ => 0);
        foreach (var frame in plan.Layout.Frames)
        {
            if (plan.Random.NextDouble() >= Options.Fraction)
            {
                continue;
            }

            var candidates = kinds
                .Select(k => (Kind: k, Cuts: CutsFor(k, body, frame)))
                .Where(c => c.Cuts.Count > 0)
                .OrderBy(c => used[c.Kind])
                .ToList();
            if (candidates.Count == 0)
            {
                continue;
            }

            var (kind, cuts) = candidates[0];
            int cut = cuts[plan.Random.Next(cuts.Count)];
            used[kind]++;
            plan.AddCut(cut, separate: true);
            if (Options.DelayMs is int ms && ms > 0)
            {
                plan.AddDelay(cut, TimeSpan.FromMilliseconds(ms));
            }
        }

        var all = plan.Facts.SplitKinds.Union(used.Where(u => u.Value > 0).Select(u => u.Key));
        plan.Facts = plan.Facts with { SplitKinds = [.. SplitOptions.AllKinds.Where(all.Contains)] };
    }

    /// <summary>Every offset inside <paramref name="frame"/> where a cut of <paramref name="kind"/> would land.</summary>
    internal static List<int> CutsFor(string kind, byte[] body, SseFrame frame)
    {
        var cuts = new List<int>();
        foreach (var line in frame.Lines)
        {
            int contentEnd = line.Start + line.Length;
            switch (kind)
            {
                case "field-name":
                    if (SseFrames.StartsWith(body, line, "event:"u8) || SseFrames.StartsWith(body, line, "data:"u8))
                    {
                        int nameLength = body[line.Start] == (byte)'e' ? 5 : 4;
                        cuts.AddRange(Enumerable.Range(line.Start + 1, nameLength - 1));
                    }

                    break;
                case "after-data-colon":
                    if (SseFrames.IsDataLine(body, line))
                    {
                        cuts.Add(line.Start + 5);
                    }

                    break;
                case "json":
                    if (SseFrames.IsDataLine(body, line))
                    {
                        int start = SseFrames.DataValueStart(body, line);
                        if (contentEnd - start >= 2)
                        {
                            cuts.AddRange(Enumerable.Range(start + 1, contentEnd - start - 1));
                        }
                    }

                    break;
                case "utf8":
                    for (int i = line.Start; i < contentEnd; i++)
                    {
                        int length = Utf8SequenceLength(body[i]);
                        for (int j = 1; j < length && i + j < contentEnd && (body[i + j] & 0xC0) == 0x80; j++)
                        {
                            cuts.Add(i + j);
                        }
                    }

                    break;
                case "crlf":
                    if (line.TerminatorLength == 2)
                    {
                        cuts.Add(contentEnd + 1);
                    }

                    break;
                case "frame-end":
                    if (line.IsBlank && frame.Lines.Count >= 2 && line.Start == frame.Lines[^1].Start)
                    {
                        cuts.Add(line.Start);
                    }

                    break;
                default:
                    break;
            }
        }

        return cuts;
    }

    private static int Utf8SequenceLength(byte lead) => lead switch
    {
        >= 0xF0 and <= 0xF4 => 4,
        >= 0xE0 and <= 0xEF => 3,
        >= 0xC2 and <= 0xDF => 2,
        _ => 1,
    };
}
