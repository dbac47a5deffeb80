using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Clients;

/// <summary>
/// The <c>exec</c> contract: any program that talks to a base URL. Starts the command line once per run
/// (<c>/bin/sh -c</c>; <c>cmd.exe /c</c> on Windows) with ANTHROPIC_BASE_URL, ANTHROPIC_API_KEY (dummy),
/// HARNESS_RESULT_FILE and, in give-up runs, HARNESS_CANCEL_AFTER_DELTAS and HARNESS_LINGER_MS; then reads
/// <c>{"text": ..., "stop_reason": ..., "error": null | {"type", "message"}}</c> from the result file.
/// </summary>
internal sealed class ExecClient(string name, string commandLine, string? workingDirectory = null) : IClientUnderTest
{
    /// <summary>How much of stdout and stderr is kept (the tail).</summary>
    public const int OutputTail = 2048;

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

        var stdout = new TailBuffer(OutputTail);
        var stderr = new TailBuffer(OutputTail);
        using var process = new Process { StartInfo = psi };
        process.OutputDataReceived += (_, e) => stdout.AppendLine(e.Data);
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
        process.BeginOutputReadLine();
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

            var result = new ClientResult
            {
                StartedTimestamp = started,
                EndedAt = time.GetElapsedTime(started),
                ExitCode = process.HasExited ? process.ExitCode : null,
                Stdout = stdout.ToString(),
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

            return ReadResult(result, resultFile, process.ExitCode, context.Consumer.GiveUpAfterDeltas is not null);
        }
        finally
        {
            File.Delete(resultFile);
        }
    }

    /// <summary>Turns the result file and the exit code into a result; a missing or unreadable file is a crash.</summary>
    internal static ClientResult ReadResult(ClientResult measured, string resultFile, int exitCode, bool givesUp)
    {
        if (!File.Exists(resultFile))
        {
            return Crashed(measured, $"exited with code {exitCode} without writing HARNESS_RESULT_FILE");
        }

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

    /// <summary>Keeps the last <c>capacity</c> characters of a process's output lines.</summary>
    private sealed class TailBuffer(int capacity)
    {
        private readonly Lock _gate = new();
        private readonly StringBuilder _text = new();
        private bool _trimmed;

        public void AppendLine(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_gate)
            {
                _text.Append(line).Append('\n');
                if (_text.Length > capacity)
                {
                    _text.Remove(0, _text.Length - capacity);
                    _trimmed = true;
                }
            }
        }

        public override string ToString()
        {
            lock (_gate)
            {
                return (_trimmed ? "[...]" : "") + _text;
            }
        }
    }
}
