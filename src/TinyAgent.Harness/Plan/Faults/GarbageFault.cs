using TinyAgent.Harness.Formats;

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

        foreach (string error in IFaultOptions.OneOf("invalidJson", InvalidJson, InvalidJsonPlacements))
        {
            yield return error;
        }

        if (AfterEvents < 0)
        {
            yield return "afterEvents: must not be negative";
        }
    }
}

/// <summary>
/// Content: what a strict reader chokes on. <c>unknown-types</c> adds what the format's API may add tomorrow (Anthropic:
/// a future event type and a future delta type inside an open block; Chat: unknown fields and an empty-<c>choices</c>
/// chunk; Responses: unknown event types): a correct client ignores them, so the expected text is unchanged;
/// <c>invalid-json</c> adds one data line that is not JSON (the body is then unreadable on purpose).
/// </summary>
[Fault("garbage", typeof(GarbageOptions), FaultStage.Content)]
internal sealed class GarbageFault(GarbageOptions options) : Fault<GarbageOptions>(options)
{
    public override void Apply(PlanBuilder plan)
    {
        byte[] body = plan.Body;
        var events = plan.Events;
        int at = SseEdit.AfterEvents([.. events.Select(e => e.Frame)], Options.AfterEvents);

        // Insertions are made back to front, so earlier offsets stay valid.
        var edits = new List<(int At, byte[] Insert, int ResumeAt)>();
        if (Options.Modes.Contains("unknown-types"))
        {
            edits.AddRange(plan.Format.UnknownTypeEdits(events, body, at, plan.LineEnding));
        }

        if (Options.Modes.Contains("invalid-json"))
        {
            var target = Options.InvalidJson == "replace-delta"
                ? events.FirstOrDefault(e => e.Frame.Start >= at && e.Kind is WireEventKind.TextDelta or WireEventKind.ToolDelta or WireEventKind.OtherDelta)?.Frame
                : null;
            var dataLine = target?.Lines.FirstOrDefault(l => SseFrames.IsDataLine(body, l));
            if (target is not null && dataLine is { } line && line.Length > 8)
            {
                // Keep the line but cut its JSON short: the closing braces go missing.
                int contentEnd = line.Start + line.Length;
                edits.Add((contentEnd - 2, [], contentEnd));
            }
            else
            {
                edits.Add((at, plan.Format.InvalidJsonFrame(plan.LineEnding), at));
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
            Garbage = plan.Facts.Garbage || Options.Modes.Contains("invalid-json"),
            WireVariants = Options.Modes.Contains("unknown-types") ? [.. plan.Facts.WireVariants, "unknown-types"] : plan.Facts.WireVariants,
        };
    }
}
