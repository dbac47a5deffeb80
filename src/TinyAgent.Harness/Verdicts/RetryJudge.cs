using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Verdicts;

/// <summary>
/// retry: before the first byte of the body the API answers an error status with its error JSON and its retry
/// signals. A retryable one (408, 409, 429, >= 500, unless <c>x-should-retry: false</c>; any with
/// <c>x-should-retry: true</c>) must be retried, no sooner than the server asked, a bounded number of times, and the
/// answer delivered (the control's); a non-retryable one (400, 401, ...) must not be retried. A request sent again
/// after events were delivered must not show the text twice. Evidence: every attempt, the wait asked and the wait taken.
/// </summary>
internal sealed class RetryJudge : IJudge
{
    /// <summary>More attempts than this is not "bounded" (the SDKs make 3: the first and 2 retries).</summary>
    public const int MaxAttempts = 10;

    /// <summary>Timer and timestamp granularity: a retry this much early still counts as waiting what was asked.</summary>
    private static readonly TimeSpan Slack = TimeSpan.FromMilliseconds(15);

    public string Bug => Bugs.Retry;

    public RunFinding Judge(RunObservation run)
    {
        var attempts = run.Server;
        if (attempts.Count == 0 || attempts[0].Plan?.Facts.HttpErrorStatus is not int status)
        {
            return RunFinding.NotExercised(Bug, "the first attempt was not answered with an error status");
        }

        if (RunQuestions.ControlMisreads(Bug, run) is { } misread)
        {
            return misread;
        }

        string log = Log(run);
        var r = run.Result;
        var first = attempts[0].Plan!.Facts;
        bool retryable = first.ShouldRetry ?? (status is 408 or 409 or 429 or >= 500);
        if (!retryable)
        {
            string why = first.ShouldRetry == false ? $"{status} with x-should-retry: false" : $"{status}";
            return attempts.Count > 1 ? new(Bug, Verdict.NotHandled, $"retried after {why}; {log}")
                : RunQuestions.FailedLoudly(r) ? new(Bug, Verdict.Handled, $"did not retry {why}: {RunQuestions.Failure(r)}; {log}")
                : new(Bug, Verdict.NotHandled, $"after {why}: returned {RunQuestions.Describe(r)}; {log}");
        }

        if (attempts.Count == 1)
        {
            return new(Bug, Verdict.NotHandled, $"gave up at the first retryable error ({status}): {RunQuestions.Describe(r)}; {log}");
        }

        if (attempts.Count > MaxAttempts)
        {
            return new(Bug, Verdict.NotHandled, $"made {attempts.Count} attempts (more than {MaxAttempts}); {log}");
        }

        for (int i = 1; i < attempts.Count; i++)
        {
            var before = attempts[i - 1];
            if (before.Status == 200 && before.BytesSent > 0 && run.Control is { } control && r.Text.Length > control.Result.Text.Length)
            {
                return new(Bug, Verdict.NotHandled, $"sent the request again after events had been delivered and showed {r.Text.Length} chars where its control showed {control.Result.Text.Length}; {log}");
            }

            if (before.Plan?.Facts.RetryAfter is TimeSpan asked && Waited(run, i) + Slack < asked)
            {
                return new(Bug, Verdict.NotHandled, $"retried {ClockAlignment.Ms(Waited(run, i))} after attempt {i}'s {before.Status}, the server asked for {ClockAlignment.Ms(asked)}; {log}");
            }
        }

        if (attempts[^1].Status != 200)
        {
            // The server kept refusing: surfacing the error after a bounded number of well-spaced attempts is right.
            return RunQuestions.FailedLoudly(r)
                ? new(Bug, Verdict.Handled, $"retried as asked, then surfaced the last error: {RunQuestions.Failure(r)}; {log}")
                : new(Bug, Verdict.NotHandled, $"returned {RunQuestions.Describe(r)} although every attempt was refused; {log}");
        }

        var answer = AnswerComparison.SameAnswer(Bug, $"after {attempts.Count} attempts", run);
        return answer with { Evidence = $"{answer.Evidence}; {log}" };
    }

    /// <summary>From the end of attempt <paramref name="i"/> (1-based: the one before) to the start of the next, on the server's clock.</summary>
    private static TimeSpan Waited(RunObservation run, int i)
    {
        var before = run.Server[i - 1];
        var next = run.Server[i];
        var startGap = TimeSpan.FromTicks((long)((next.StartedTimestamp - before.StartedTimestamp) * ((double)TimeSpan.TicksPerSecond / run.TimestampFrequency)));
        return startGap - (before.EndedAt ?? TimeSpan.Zero);
    }

    /// <summary>"attempt 1: 529 (asked 1000 ms), waited 1012 ms; attempt 2: 200".</summary>
    private static string Log(RunObservation run)
    {
        var parts = new List<string>();
        for (int i = 0; i < run.Server.Count; i++)
        {
            var e = run.Server[i];
            string asked = e.Plan?.Facts.RetryAfter is TimeSpan a ? $" (asked {ClockAlignment.Ms(a)})" : "";
            string should = e.Plan?.Facts.ShouldRetry is bool b ? $" (x-should-retry {b.ToString().ToLowerInvariant()})" : "";
            string waited = i + 1 < run.Server.Count ? $", waited {ClockAlignment.Ms(Waited(run, i + 1))}" : "";
            parts.Add($"attempt {i + 1}: {e.Status}{asked}{should}{waited}");
        }

        return string.Join("; ", parts);
    }
}
