using System.Text;

namespace TinyAgent.Harness.Plan.Faults;

/// <summary>Options of <c>garbage</c>.</summary>
internal sealed record GarbageOptions : IFaultOptions
{
    public static IReadOnlyList<string> AllModes { get; } = ["invalid-json", "unknown-types"];

    public static IReadOnlyList<string> InvalidJsonPlacements { get; } = ["new-frame", "replace-delta"];

    /// <summary><c>invalid-json</c> and/or <c>unknown-types</c>. Default: both.</summary>
    public IReadOnlyList<string> Modes { get; init; } = AllModes;

    /// <summary>For <c>invalid-json</c>: a <c>new-frame</c> of a known type, or <c>replace-delta</c> (a delta's JSON cut short). Default <c>new-frame</c>.</summary>
    public string InvalidJson { get; init; } = "new-frame";

    /// <summary>Inject after this many events (clamped to the events there are). Default 2.</summary>
    public int AfterEvents { get; init; } = 2;

    public IEnumerable<string> Validate()
    {
        if (Modes.Count == 0)
        {
            yield return "modes: must name at least one mode";
        }

        foreach (string mode in Modes.Where(m => !AllModes.Contains(m)))
        {
            yield return $"modes: unknown mode '{mode}' (known: {string.Join(", ", AllModes)})";
        }

        if (!InvalidJsonPlacements.Contains(InvalidJson))
        {
            yield return $"invalidJson: must be one of {string.Join(", ", InvalidJsonPlacements)}";
        }

        if (AfterEvents < 0)
        {
            yield return "afterEvents: must not be negative";
        }
    }
}

/// <summary>
/// Content: what a strict reader chokes on. <c>unknown-types</c> adds a future event type and a future
/// delta type inside an open block (a correct client ignores both, so the expected text is unchanged);
/// <c>invalid-json</c> adds one data line that is not JSON (the body is then unreadable on purpose).
/// </summary>
[Fault("garbage", typeof(GarbageOptions))]
internal sealed class GarbageFault(GarbageOptions options) : IFault
{
    public FaultStage Stage => FaultStage.Content;

    public IFaultOptions Options => options;

    public void Apply(PlanBuilder plan)
    {
        byte[] body = plan.Body;
        string eol = SseEdit.LineEnding(body, plan.Layout);
        var events = SseEdit.EventFrames(body, plan.Layout)
            .Select(f => (Frame: f, Json: SseEdit.TypeAndIndex(body, f)))
            .ToList();
        int at = SseEdit.AfterEvents([.. events.Select(e => e.Frame)], options.AfterEvents);

        // Insertions are made back to front, so earlier offsets stay valid.
        var edits = new List<(int At, byte[] Insert, int ResumeAt)>();
        if (options.Modes.Contains("unknown-types"))
        {
            var delta = events.FirstOrDefault(e => e.Frame.End >= at && e.Json.Type == "content_block_delta" && e.Json.Index is not null);
            int where = delta.Frame?.End ?? at;
            var insert = new List<byte>(SseEdit.Frame("message_annotation", "{\"type\":\"message_annotation\",\"annotation\":{\"kind\":\"future_event_type\"}}", eol));
            if (delta.Frame is not null)
            {
                insert.AddRange(SseEdit.Frame(
                    "content_block_delta",
                    $"{{\"type\":\"content_block_delta\",\"index\":{delta.Json.Index},\"delta\":{{\"type\":\"future_delta\",\"payload\":\"ignore me\"}}}}",
                    eol));
            }

            edits.Add((where, insert.ToArray(), where));
        }

        if (options.Modes.Contains("invalid-json"))
        {
            var target = options.InvalidJson == "replace-delta"
                ? events.FirstOrDefault(e => e.Frame.Start >= at && e.Json.Type == "content_block_delta").Frame
                : null;
            var dataLine = target?.Lines.FirstOrDefault(l => SseEdit.IsDataLine(body, l));
            if (target is not null && dataLine is { } line && line.Length > 8)
            {
                // Keep the line but cut its JSON short: the closing braces go missing.
                int contentEnd = line.Start + line.Length;
                edits.Add((contentEnd - 2, [], contentEnd));
            }
            else
            {
                byte[] frame = Encoding.UTF8.GetBytes(
                    $"event: content_block_delta{eol}data: {{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{{\"type\":\"text_delta\",\"text\":\"unterminated{eol}{eol}");
                edits.Add((at, frame, at));
            }
        }

        foreach (var (editAt, insert, resumeAt) in edits.OrderByDescending(e => e.At))
        {
            body = SseEdit.Splice(body, editAt, insert, resumeAt);
        }

        plan.ReplaceBody(body);

        // Unknown types are a lossless variation a correct client ignores, not garbage; invalid JSON is garbage.
        plan.Facts = plan.Facts with
        {
            Garbage = plan.Facts.Garbage || options.Modes.Contains("invalid-json"),
            WireVariants = options.Modes.Contains("unknown-types") ? [.. plan.Facts.WireVariants, "unknown-types"] : plan.Facts.WireVariants,
        };
    }
}
