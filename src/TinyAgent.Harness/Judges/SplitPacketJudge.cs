using System.Text.Json;
using System.Text.Json.Nodes;
using TinyAgent.Harness.Model;
using TinyAgent.Harness.Recordings;

namespace TinyAgent.Harness.Judges;

/// <summary>
/// split-packet: under cuts inside frames, on an otherwise lossless stream read to its end, the client's text
/// (per block when it exposes blocks), tool inputs and stop_reason equal what a correct reader gets, with no error.
/// </summary>
internal sealed class SplitPacketJudge : IJudge
{
    public string Bug => Bugs.SplitPacket;

    public RunFinding Judge(RunObservation run)
    {
        var facts = run.Plan.Facts;
        if (facts.CutsInsideFrames == 0)
        {
            return RunFinding.NotExercised(Bug, "no cut inside a frame");
        }

        if (!RunFacts.IsLossless(facts) || run.Plan.End != Replay.StreamEnd.Complete)
        {
            return RunFinding.NotExercised(Bug, "the plan also loses or changes content, so a correct answer is not defined by the recording");
        }

        if (!RunFacts.ReadsAll(run))
        {
            return RunFinding.NotExercised(Bug, "the consumer gives up before the end");
        }

        var r = run.Result;
        string cuts = $"{facts.CutsInsideFrames} cut(s) inside frames";

        // Cuts are made on the server; the network may merge them again. Where the client's reads are known,
        // the bug is exercised only if at least one read really ended inside a frame.
        if (ReadEndsInsideFrames(run) is int seen)
        {
            if (seen == 0 && r.Outcome != ClientOutcome.Hung)
            {
                return RunFinding.NotExercised(Bug, $"{cuts} planned, but every read the client made ended on a frame boundary");
            }

            cuts += $", {seen} read(s) ended inside a frame";
        }
        switch (r.Outcome)
        {
            case ClientOutcome.Hung:
                return new(Bug, Verdict.NotHandled, $"{cuts}: the client hung until the deadline");
            case ClientOutcome.Crashed:
                return new(Bug, Verdict.NotHandled, $"{cuts}: the client crashed: {r.Error?.Message ?? "no result"}");
            case ClientOutcome.GaveUp:
                return new(Bug, Verdict.NotHandled, $"{cuts}: the client gave up although its consumer reads everything");
            default:
                break;
        }

        var expected = RunFacts.Expected(run);

        // A recording that itself ends in an error event (or without message_stop) must end in that error:
        // surfacing it is correct, any other error is the split talking.
        bool recordedError = r.Error is not null && (expected.ErrorType is not null ? r.Error.Type == expected.ErrorType : !expected.HasMessageStop);
        if (r.Error is not null && !recordedError)
        {
            return new(Bug, Verdict.NotHandled, $"{cuts}: {r.Error.Type}: {RunFacts.Excerpt(r.Error.Message, 0, 200)}");
        }

        string? difference = CompareText(expected, r) ?? CompareToolInputs(expected, r) ?? CompareStopReason(expected, r);
        return difference is null
            ? new(Bug, Verdict.Handled, $"{cuts}: text ({expected.Text.Length} chars), tool inputs and stop_reason {expected.StopReason ?? "null"} as recorded")
            : new(Bug, Verdict.NotHandled, $"{cuts}: {difference}");
    }

    /// <summary>How many of the client's reads ended inside a frame; null when the reads are unknown (exec) or span several requests.</summary>
    internal static int? ReadEndsInsideFrames(RunObservation run)
    {
        if (run.Result.Reads is not { Count: > 0 } reads || run.Server.Count != 1)
        {
            return null;
        }

        var frameEnds = run.Plan.FrameEnds.ToHashSet();
        long offset = 0;
        int inside = 0;
        foreach (var read in reads)
        {
            offset += read.Size;
            if (offset < run.Plan.Body.Length && !frameEnds.Contains((int)offset))
            {
                inside++;
            }
        }

        return inside;
    }

    private static string? CompareText(ExpectedResult expected, ClientResult r)
    {
        if (r.BlockTexts is null)
        {
            return Difference("text", expected.Text, r.Text);
        }

        foreach (var block in expected.Blocks.Where(b => b.Type == "text"))
        {
            string actual = r.BlockTexts.GetValueOrDefault(block.Index, "");
            if (Difference($"text of block {block.Index}", block.Text, actual) is string d)
            {
                return d;
            }
        }

        return null;
    }

    private static string? CompareToolInputs(ExpectedResult expected, ClientResult r)
    {
        if (r.ToolInputs is null)
        {
            return null;
        }

        foreach (var block in expected.Blocks.Where(b => b.Type == "tool_use"))
        {
            string actual = r.ToolInputs.GetValueOrDefault(block.Index, "");
            var want = TryParse(block.Text);
            var got = TryParse(actual);
            bool same = want is not null && got is not null ? JsonNode.DeepEquals(want, got) : block.Text == actual;
            if (!same)
            {
                return Difference($"tool input of block {block.Index}", block.Text, actual) ?? $"tool input of block {block.Index} differs";
            }
        }

        return null;
    }

    private static string? CompareStopReason(ExpectedResult expected, ClientResult r) =>
        !r.ReadsStopReason || r.StopReason == expected.StopReason
            ? null
            : $"stop_reason {r.StopReason ?? "null"}, expected {expected.StopReason ?? "null"}";

    private static JsonNode? TryParse(string json)
    {
        try
        {
            // An empty input means the tool was called with no arguments.
            return JsonNode.Parse(json.Length == 0 ? "{}" : json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The first differing position with a short excerpt of both sides, or null when equal.</summary>
    internal static string? Difference(string what, string expected, string actual)
    {
        if (expected == actual)
        {
            return null;
        }

        int i = 0;
        int max = Math.Min(expected.Length, actual.Length);
        while (i < max && expected[i] == actual[i])
        {
            i++;
        }

        int from = Math.Max(0, i - 8);
        return $"{what} differs at char {i} (expected {expected.Length} chars, got {actual.Length}): expected {RunFacts.Excerpt(expected, from)}, got {RunFacts.Excerpt(actual, from)}";
    }
}
