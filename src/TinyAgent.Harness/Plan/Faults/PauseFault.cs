namespace TinyAgent.Harness.Plan.Faults;

/// <summary>Options of <c>pause</c>.</summary>
internal sealed record PauseOptions : IFaultOptions
{
    /// <summary>
    /// Milliseconds content stops. Default 2500: well past the default suite's <c>idleMs</c> (1000), so a client whose
    /// idle timer ignores pings kills the live stream, yet short enough to keep the suite fast.
    /// </summary>
    public int Ms { get; init; } = 2500;

    /// <summary>Milliseconds between pings during the pause. Default 250: four per idle window, so a client that counts pings never idles out.</summary>
    public int EveryMs { get; init; } = 250;

    /// <summary>Pause after this many events (clamped to leave the last event out). Default 3: after the first delta of a typical stream.</summary>
    public int AfterEvents { get; init; } = 3;

    public IEnumerable<string> Validate()
    {
        if (Ms < 1)
        {
            yield return "ms: must be at least 1";
        }

        if (EveryMs < 1)
        {
            yield return "everyMs: must be at least 1";
        }

        if (AfterEvents < 0)
        {
            yield return "afterEvents: must not be negative";
        }
    }
}

/// <summary>
/// Pacing: content stops for <c>ms</c> while <c>event: ping</c> frames arrive every <c>everyMs</c>, then the stream
/// resumes and completes, as during long extended thinking (openai/codex #39771; WIRE.md: pings 15-30 s apart
/// while thinking is omitted). The pings are planned frames of the body, each its own chunk with its wait, so the
/// server replays them like any other bytes. Lossless for content: the answer is unchanged.
/// </summary>
[Fault("pause", typeof(PauseOptions), FaultStage.Pacing)]
internal sealed class PauseFault(PauseOptions options) : Fault<PauseOptions>(options)
{
    public override void Apply(PlanBuilder plan)
    {
        var (afterEvents, count) = SseEdit.BeforeLastEvent(plan, Options.AfterEvents);
        int at = count > 0 ? afterEvents : (plan.Layout.Lines.Count > 0 ? plan.Layout.Lines[0].Start : 0); // none: before the first line, after a BOM
        byte[] ping = plan.Format.Keepalive(plan.LineEnding);
        int pings = Options.Ms / Options.EveryMs;
        if (pings * Options.EveryMs == Options.Ms)
        {
            pings--; // the last tick is the resumption itself
        }

        var inserted = new byte[pings * ping.Length];
        for (int i = 0; i < pings; i++)
        {
            ping.CopyTo(inserted, i * ping.Length);
        }

        // Inserted, not replaced: a pause planned earlier keeps its cuts and waits.
        plan.Insert(at, inserted);
        var every = TimeSpan.FromMilliseconds(Options.EveryMs);
        for (int i = 0; i < pings; i++)
        {
            plan.AddCut(at + (i * ping.Length));
            plan.AddDelay(at + (i * ping.Length), every);
        }

        int resume = at + inserted.Length;
        plan.AddCut(resume);
        plan.AddDelay(resume, TimeSpan.FromMilliseconds(Options.Ms) - (pings * every));
        var pause = TimeSpan.FromMilliseconds(Options.Ms);
        plan.Facts = plan.Facts with { Pause = plan.Facts.Pause is { } earlier && earlier > pause ? earlier : pause }; // the longest pause
    }
}
