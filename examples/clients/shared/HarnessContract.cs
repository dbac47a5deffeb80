using System.Globalization;
using System.Text.Json;

namespace HarnessExamples;

/// <summary>
/// The harness's <c>exec</c> contract from the client's side (docs/exec.md): what the environment says,
/// and the result file. Linked into each .NET example so every example writes the same shape.
/// </summary>
internal static class HarnessContract
{
    /// <summary>HARNESS_CANCEL_AFTER_DELTAS: the consumer stops after this many text deltas (give-up runs only).</summary>
    public static int? CancelAfterDeltas => Int("HARNESS_CANCEL_AFTER_DELTAS");

    /// <summary>HARNESS_LINGER_MS: how long the process stays alive after giving up.</summary>
    public static TimeSpan Linger => TimeSpan.FromMilliseconds(Int("HARNESS_LINGER_MS") ?? 0);

    /// <summary>Optional timeout hints (HARNESS_*_TIMEOUT_MS), for clients that take timeouts.</summary>
    public static TimeSpan? Timeout(string name) =>
        Int($"HARNESS_{name}_TIMEOUT_MS") is int ms ? TimeSpan.FromMilliseconds(ms) : null;

    /// <summary>Writes <c>{"text","stop_reason","error"}</c> to HARNESS_RESULT_FILE (temp file + rename).</summary>
    public static void WriteResult(string text, string? stopReason, string? errorType, string? errorMessage)
    {
        string path = Environment.GetEnvironmentVariable("HARNESS_RESULT_FILE")
            ?? throw new InvalidOperationException("HARNESS_RESULT_FILE is not set");
        string temp = path + ".tmp";
        using (var file = File.Create(temp))
        using (var json = new Utf8JsonWriter(file))
        {
            json.WriteStartObject();
            json.WriteString("text", text);
            json.WriteString("stop_reason", stopReason);
            if (errorType is null)
            {
                json.WriteNull("error");
            }
            else
            {
                json.WriteStartObject("error");
                json.WriteString("type", errorType);
                json.WriteString("message", errorMessage ?? "");
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        File.Move(temp, path, overwrite: true);
    }

    private static int? Int(string name) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.None, CultureInfo.InvariantCulture, out int v) ? v : null;
}
