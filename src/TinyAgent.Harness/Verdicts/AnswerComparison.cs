using System.Text.Json;
using System.Text.Json.Nodes;
using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Verdicts;

/// <summary>Compares a client's answer with the reference reader's, or with the same client's control answer: text (per block when both sides expose blocks), tool inputs, stop reason.</summary>
internal static class AnswerComparison
{
    /// <summary>The first difference from what the reference reader reads; stop reasons compare by meaning, and only when the client reports one.</summary>
    public static string? AgainstReference(ExpectedResult expected, ClientResult r) =>
        ReferenceText(expected, r) ?? ReferenceToolInputs(expected, r) ??
        (r.StopReason is null || StopReasons.Meaning(r.StopReason) == StopReasons.Meaning(expected.StopReason)
            ? null
            : $"stop_reason {r.StopReason}, expected {expected.StopReason ?? "none"}");

    /// <summary>The first difference from the client's own control answer (stop reasons as the client spells them).</summary>
    public static string? AgainstControl(ClientResult control, ClientResult r)
    {
        if (control.BlockTexts is { } want && r.BlockTexts is { } got)
        {
            foreach (var (index, text) in want.Concat(got.Where(kv => !want.ContainsKey(kv.Key))))
            {
                if (Difference($"text of block {index}", want.GetValueOrDefault(index, ""), got.GetValueOrDefault(index, "")) is string d)
                {
                    return d;
                }
            }
        }
        else if (Difference("text", control.Text, r.Text) is string d)
        {
            return d;
        }

        if (control.ToolInputs is { } wantTools && r.ToolInputs is { } gotTools)
        {
            foreach (var (index, json) in wantTools)
            {
                if (!SameJson(json, gotTools.GetValueOrDefault(index, "")))
                {
                    return Difference($"tool input of block {index}", json, gotTools.GetValueOrDefault(index, "")) ?? $"tool input of block {index} differs";
                }
            }
        }

        return r.StopReason == control.StopReason ? null : $"stop_reason {r.StopReason ?? "none"}, its control reported {control.StopReason ?? "none"}";
    }

    /// <summary>
    /// The finding "the client gives its control answer" (with no control, the reference reader's): same answer, and
    /// an error exactly when the control had one. <paramref name="what"/> names what the plan varied, for evidence.
    /// </summary>
    public static RunFinding SameAnswer(string bug, string what, RunObservation run)
    {
        var r = run.Result;
        switch (r.Outcome)
        {
            case ClientOutcome.Hung:
                return new(bug, Verdict.NotHandled, $"{what}: the client hung: {r.Error?.Message}", Timing: true);
            case ClientOutcome.GaveUp:
                return new(bug, Verdict.NotHandled, $"{what}: the client gave up although its consumer reads everything");
            default:
                break;
        }

        if (run.Control is { } control)
        {
            var c = control.Result;
            bool controlFailed = RunQuestions.FailedLoudly(c);
            if (RunQuestions.FailedLoudly(r) != controlFailed)
            {
                // A failure where the control completed may be the client's own timeout on a loaded machine: it rests on
                // time, so it is confirmed alone before it decides anything.
                return controlFailed
                    ? new(bug, Verdict.NotHandled, $"{what}: returned {RunQuestions.Describe(r)}, while its control run {control.RunId} surfaced the recording's error")
                    : new(bug, Verdict.NotHandled, $"{what}: {RunQuestions.Failure(r)}; its control run {control.RunId} completed", Timing: true);
            }

            string? fromControl = AgainstControl(c, r);
            return fromControl is null
                ? new(bug, Verdict.Handled, $"{what}: the same answer as its control run {control.RunId} ({c.Text.Length} chars, stop_reason {c.StopReason ?? "not reported"}{(controlFailed ? ", an error" : "")})")
                : new(bug, Verdict.NotHandled, $"{what}: {fromControl} (control run {control.RunId})");
        }

        // A recording that itself ends in an error (or without message_stop) must end in an error: any error will do.
        var expected = RunQuestions.Expected(run);
        if (RunQuestions.FailedLoudly(r) && expected.IsComplete)
        {
            return new(bug, Verdict.NotHandled, $"{what}: {RunQuestions.Failure(r)}", Timing: true);
        }

        string? difference = AgainstReference(expected, r);
        return difference is null
            ? new(bug, Verdict.Handled, $"{what}: text ({expected.Text.Length} chars), tool inputs and stop_reason as the reference reader reads them")
            : new(bug, Verdict.NotHandled, $"{what}: {difference}");
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
        return $"{what} differs at char {i} (expected {expected.Length} chars, got {actual.Length}): expected {RunQuestions.Excerpt(expected, from)}, got {RunQuestions.Excerpt(actual, from)}";
    }

    private static string? ReferenceText(ExpectedResult expected, ClientResult r)
    {
        if (r.BlockTexts is null)
        {
            return Difference("text", expected.Text, r.Text);
        }

        foreach (var block in expected.Blocks.Where(b => b.Type == "text"))
        {
            if (Difference($"text of block {block.Index}", block.Text, r.BlockTexts.GetValueOrDefault(block.Index, "")) is string d)
            {
                return d;
            }
        }

        return null;
    }

    private static string? ReferenceToolInputs(ExpectedResult expected, ClientResult r)
    {
        if (r.ToolInputs is null)
        {
            return null;
        }

        foreach (var block in expected.Blocks.Where(b => b.Type == "tool_use"))
        {
            string actual = r.ToolInputs.GetValueOrDefault(block.Index, "");
            if (!SameJson(block.Text, actual))
            {
                return Difference($"tool input of block {block.Index}", block.Text, actual) ?? $"tool input of block {block.Index} differs";
            }
        }

        return null;
    }

    private static bool SameJson(string want, string got)
    {
        var a = TryParse(want);
        var b = TryParse(got);
        return a is not null && b is not null ? JsonNode.DeepEquals(a, b) : want == got;
    }

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
}
