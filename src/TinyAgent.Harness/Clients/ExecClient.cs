using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Clients;

/// <summary>
/// The <c>exec</c> contract: any program that talks to a base URL. Starts the command line once per run
/// (<c>/bin/sh -c</c>; <c>cmd.exe /c</c> on Windows) with ANTHROPIC_BASE_URL, ANTHROPIC_API_KEY (dummy),
/// HARNESS_RESULT_FILE and, in give-up runs, HARNESS_CANCEL_AFTER_DELTAS and HARNESS_LINGER_MS; then reads
/// <c>{"text": ..., "stop_reason": ..., "error": null | {"type", "message"}}</c> from the result file, or, when the
/// program wrote none (an ordinary app, no adapter), takes all of its stdout as the text and its exit code as the outcome.
/// </summary>
internal sealed class ExecClient(string name, string commandLine, string? workingDirectory = null) : IClientUnderTest
{
    /// <summary>How much of stdout and stderr is kept in the report (the tail).</summary>
    public const int OutputTail = 2048;

    /// <summary>How much of stdout is kept as the answer's text for a program that writes no result file.</summary>
    public const int StdoutLimit = 16 * 1024 * 1024;

    public const string ReadResultFile = "result-file";
    public const string ReadStdout = "stdout";

    public const string DummyApiKey = "sk-ant-harness-dummy";

    /// <summary>How long to wait for a killed process tree to exit before reporting it hung anyway.</summary>
    private static readonly TimeSpan KillWait = TimeSpan.FromMilliseconds(500);

    public string Name => name;

    public string CommandLine => commandLine;

    public async Task<ClientResult> RunAsync(ClientRunContext context, CancellationToken cancellationToken)
    {
        string resultFile = Path.Combine(Path.GetTempPath(), $"harness-result-{Path.GetRandomFileName()}.json");
        var psi = new ProcessStartInfo
        {
            FileName = OperatingSystem.IsWindows() ? "cmd.exe" : "/bin/sh",
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? "",
        };
        psi.ArgumentList.Add(OperatingSystem.IsWindows() ? "/c" : "-c");
        psi.ArgumentList.Add(commandLine);
        psi.Environment["ANTHROPIC_BASE_URL"] = context.BaseUrl.ToString().TrimEnd('/');
        psi.Environment["ANTHROPIC_API_KEY"] = DummyApiKey;
        psi.Environment["OPENAI_BASE_URL"] = context.BaseUrl.ToString().TrimEnd('/') + "/v1"; // the OpenAI SDKs take the base with /v1
        psi.Environment["OPENAI_API_KEY"] = DummyApiKey;
        psi.Environment["HARNESS_RESULT_FILE"] = resultFile;
        psi.Environment.Remove("HARNESS_CANCEL_AFTER_DELTAS");
        psi.Environment.Remove("HARNESS_LINGER_MS");

        // Optional hints for clients that take timeouts (the in-process tinyagent client gets the same values).
        psi.Environment["HARNESS_FIRST_BYTE_TIMEOUT_MS"] = Ms(context.Timeouts.FirstByte);
        psi.Environment["HARNESS_IDLE_TIMEOUT_MS"] = Ms(context.Timeouts.Idle);
        psi.Environment["HARNESS_TOTAL_TIMEOUT_MS"] = Ms(context.Timeouts.Total);
        if (context.Consumer.GiveUpAfterDeltas is int n)
        {
            psi.Environment["HARNESS_CANCEL_AFTER_DELTAS"] = n.ToString(CultureInfo.InvariantCulture);
            psi.Environment["HARNESS_LINGER_MS"] = Ms(context.Linger);
        }

        // stdout is read raw, not by lines: for a program without a result file it is the answer, byte for byte.
        var stdout = new BoundedCapture(StdoutLimit);
        var stderr = new TailBuffer(OutputTail);
        using var process = new Process { StartInfo = psi };
        process.ErrorDataReceived += (_, e) => stderr.AppendLine(e.Data);

        var time = context.Time;
        long started = time.GetTimestamp();
        try
        {
            process.Start();
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return new ClientResult
            {
                Outcome = ClientOutcome.Crashed,
                Error = new ClientError("crash", $"could not start '{commandLine}': {ex.Message}"),
                StartedTimestamp = started,
                EndedAt = TimeSpan.Zero,
            };
        }

        process.StandardInput.Close();
        var stdoutDone = stdout.CopyFromAsync(process.StandardOutput.BaseStream);
        process.BeginErrorReadLine();
        try
        {
            bool killed = false;
            try
            {
                await process.WaitForExitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                killed = true;
                KillTree(process);

                // Bounded well inside RunGuard's grace, so the hung result keeps the output captured so far.
                using var bound = new CancellationTokenSource(KillWait);
                try
                {
                    await process.WaitForExitAsync(bound.Token);
                }
                catch (OperationCanceledException)
                {
                    // still tearing down (or a grandchild holds the pipes): report what we have
                }
            }

            var endedAt = time.GetElapsedTime(started);
            try
            {
                // A grandchild may still hold the pipe open: bounded, keeping what arrived.
                await stdoutDone.WaitAsync(killed ? KillWait : StdoutDrain, CancellationToken.None);
            }
            catch (TimeoutException)
            {
            }

            string output = stdout.ToString();
            var result = new ClientResult
            {
                StartedTimestamp = started,
                EndedAt = endedAt,
                ExitCode = process.HasExited ? process.ExitCode : null,
                Stdout = Tail(output),
                Stderr = stderr.ToString(),
            };
            if (killed)
            {
                return result with
                {
                    Outcome = ClientOutcome.Hung,
                    Error = new ClientError("hung", "process tree killed"),
                };
            }

            return ReadResult(result, resultFile, process.ExitCode, context.Consumer.GiveUpAfterDeltas is not null, output);
        }
        finally
        {
            File.Delete(resultFile);
        }
    }

    /// <summary>
    /// Turns the result file and the exit code into a result; an unreadable file is a crash. Without a file the program
    /// is read as its user sees it: all of <paramref name="stdout"/> is the text, exit 0 complete, non-zero failed (no
    /// stop_reason can be told that way); nothing on stdout and a non-zero exit is a crash: there is no answer at all.
    /// </summary>
    internal static ClientResult ReadResult(ClientResult measured, string resultFile, int exitCode, bool givesUp, string stdout = "")
    {
        if (!File.Exists(resultFile))
        {
            measured = measured with { Read = ReadStdout };
            if (exitCode != 0 && stdout.Length == 0)
            {
                return Crashed(measured, $"exited with code {exitCode} with nothing on stdout and no HARNESS_RESULT_FILE");
            }

            return measured with
            {
                Outcome = exitCode != 0 ? ClientOutcome.Failed : givesUp ? ClientOutcome.GaveUp : ClientOutcome.Completed,
                Text = stdout,
                StopReason = null,
                Error = exitCode != 0 ? new ClientError("exit_code", $"exited with code {exitCode}") : null,
            };
        }

        measured = measured with { Read = ReadResultFile };

        string text;
        string? stopReason;
        ClientError? error;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(resultFile));
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Crashed(measured, $"exited with code {exitCode}; result file: expected a JSON object, got {root.ValueKind}");
            }

            text = OptionalString(root, "text") ?? "";
            stopReason = OptionalString(root, "stop_reason");
            error = root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Object
                ? new ClientError(OptionalString(e, "type") ?? "error", OptionalString(e, "message") ?? "")
                : root.TryGetProperty("error", out e) && e.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined)
                    ? throw new FormatException($"field 'error': expected null or an object, got {e.ValueKind}")
                    : null;
        }
        catch (JsonException ex)
        {
            return Crashed(measured, $"exited with code {exitCode}; result file is not valid JSON: line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}");
        }
        catch (FormatException ex)
        {
            return Crashed(measured, $"exited with code {exitCode}; result file: {ex.Message}");
        }

        var outcome = error is not null || exitCode != 0 ? ClientOutcome.Failed
            : givesUp ? ClientOutcome.GaveUp
            : ClientOutcome.Completed;
        return measured with
        {
            Outcome = outcome,
            Text = text,
            StopReason = stopReason,
            Error = error ?? (exitCode != 0 ? new ClientError("exit_code", $"exited with code {exitCode}") : null),
        };
    }

    /// <summary>How long stdout may take to reach its end after the process exited.</summary>
    private static readonly TimeSpan StdoutDrain = TimeSpan.FromSeconds(2);

    private static string Tail(string text) => text.Length > OutputTail ? "[...]" + text[^OutputTail..] : text;

    private static string Ms(TimeSpan t) => ((long)t.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);

    private static string? OptionalString(JsonElement obj, string field) =>
        !obj.TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null ? null
        : v.ValueKind == JsonValueKind.String ? v.GetString()
        : throw new FormatException($"field '{field}': expected a string or null, got {v.ValueKind}");

    private static ClientResult Crashed(ClientResult measured, string why) =>
        measured with { Outcome = ClientOutcome.Crashed, Error = new ClientError("crash", why) };

    private static void KillTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // exited between the deadline and the kill
        }
    }
}
