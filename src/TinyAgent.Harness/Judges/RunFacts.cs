using System.Text;
using System.Text.Json;
using TinyAgent.Harness.Faults;
using TinyAgent.Harness.Model;
using TinyAgent.Harness.Recordings;
using TinyAgent.Harness.Replay;

namespace TinyAgent.Harness.Judges;

/// <summary>Questions several judges ask of a run, answered in one place so they agree.</summary>
internal static class RunFacts
{
    /// <summary>What a correct client reads from the planned body (falls back to the recording when the plan has none).</summary>
    public static ExpectedResult Expected(RunObservation run) => run.Plan.Expected ?? run.RecordingExpected;

    /// <summary>The plan passes every byte of the recording on and only changes how it is cut.</summary>
    public static bool IsLossless(PlanFacts f) =>
        f.InjectedErrorType is null && !f.MaxTokensEnding && !f.Truncated && !f.Stalls &&
        f.HttpErrorStatus is null && !f.Garbage && f.BytesDropped == 0;

    public static bool ReadsAll(RunObservation run) => run.Consumer.GiveUpAfterDeltas is null;

    /// <summary>The request that carried the stream (the last attempt), if any reached the server.</summary>
    public static ServerEvidence? StreamRequest(RunObservation run) => run.Server.Count == 0 ? null : run.Server[^1];

    /// <summary>"Completed, 120 chars, stop_reason end_turn, no error": what the client returned, for evidence.</summary>
    public static string Describe(ClientResult r)
    {
        var sb = new StringBuilder();
        sb.Append(r.Outcome.ToString().ToLowerInvariant())
            .Append(", ").Append(r.Text.Length).Append(" chars of text, stop_reason ")
            .Append(r.StopReason ?? (r.ReadsStopReason ? "null" : "not read"))
            .Append(", ");
        sb.Append(r.Error is null ? "no error" : $"error {r.Error.Type}: {Excerpt(r.Error.Message, 0, 160)}");
        if (r.ExitCode is int code)
        {
            sb.Append(", exit code ").Append(code);
        }

        return sb.ToString();
    }

    /// <summary>Up to <paramref name="length"/> characters of <paramref name="s"/> from <paramref name="from"/>, escaped for one line.</summary>
    public static string Excerpt(string s, int from, int length = 24)
    {
        if (from >= s.Length)
        {
            return "(end)";
        }

        string part = s.Substring(from, Math.Min(length, s.Length - from));
        return JsonSerializer.Serialize(part) + (from + length < s.Length ? "..." : "");
    }

    /// <summary>The text a correct reader has from the first <paramref name="end"/> bytes of the body ("" when that prefix is unreadable).</summary>
    public static string TextUpTo(byte[] body, int end)
    {
        try
        {
            return ReferenceReader.Read(body[..end]).Text;
        }
        catch (RecordingFormatException)
        {
            return "";
        }
    }

    /// <summary>Offset just after the frame carrying the <paramref name="n"/>-th text delta of the body, or null when it has fewer.</summary>
    public static int? EndOfNthTextDelta(byte[] body, int n)
    {
        if (n <= 0)
        {
            return 0;
        }

        int seen = 0;
        var layout = SseLayout.Parse(body);
        foreach (var frame in layout.Frames)
        {
            if (IsTextDelta(body, frame) && ++seen == n)
            {
                return frame.End;
            }
        }

        return null;
    }

    /// <summary>The plan answers with an HTTP error instead of an event stream: no stream bug can show.</summary>
    public static bool AnsweredWithHttpError(RunObservation run) => !run.Plan.IsStream || run.Plan.Facts.HttpErrorStatus is not null;

    private static bool IsTextDelta(byte[] body, SseFrame frame) =>
        SseEdit.TypeAndIndex(body, frame) is ("content_block_delta", _, "text_delta");
}
