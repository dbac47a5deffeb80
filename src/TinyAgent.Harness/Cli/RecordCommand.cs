using System.CommandLine;
using System.Globalization;
using TinyAgent.Harness.Config;
using TinyAgent.Harness.Model;
using TinyAgent.Harness.Recordings;

namespace TinyAgent.Harness.Cli;

/// <summary>
/// <c>record</c>: a recording proxy. Point a client at the printed base URL; each <c>POST</c> on a format's path
/// (<c>/v1/messages</c>, <c>/v1/chat/completions</c>, ...) is forwarded to the upstream, relayed as it arrives, and
/// saved with its timeline (secrets redacted).
/// Runs until Ctrl+C (exit 0), or until the first recording is saved with <c>--once</c>.
/// </summary>
internal static class RecordCommand
{
    private static readonly Option<string> Upstream = new("--upstream") { Description = "Where requests go: a base URL (e.g. the API's, with or without /v1); each request's path (/v1/messages, /v1/chat/completions, ...) is appended.", Required = true };
    private static readonly Option<string> Out = new("--out", "-o") { Description = "The first recording's file, e.g. recordings/NAME.sse; later ones are NAME-2.sse, NAME-3.sse, ...", Required = true };
    private static readonly Option<int> Port = new("--port", "-p") { Description = "TCP port (default 0: a free port, printed)." };
    private static readonly Option<string?> Host = new("--host") { Description = "Address to bind (default 127.0.0.1; anything else prints a warning)." };
    private static readonly Option<bool> Once = new("--once") { Description = "Stop after the first recording is saved." };

    public static Command Create(CliContext context)
    {
        var command = new Command("record", "Recording proxy: forward to an upstream, relay each chunk as it arrives, save body and timeline.")
        {
            Upstream, Out, Port, Host, Once, RunCommand.ConfigOption,
        };
        command.SetAction((parse, _) => ExecuteAsync(context, parse));
        return command;
    }

    private static async Task<int> ExecuteAsync(CliContext context, ParseResult parse)
    {
        string upstreamText = parse.GetValue(Upstream)!;
        var upstream = StreamProbe.BaseUrl(upstreamText, "--upstream");
        string outPath = context.Resolve(parse.GetValue(Out)!);
        if (!outPath.EndsWith(RecordingLoader.Extension, StringComparison.Ordinal))
        {
            throw new HarnessInputException("--out", $"'{parse.GetValue(Out)}' must end with {RecordingLoader.Extension}");
        }

        RunCommand.EnsureWritable(Path.GetDirectoryName(outPath)!);
        string? configPath = parse.GetValue(RunCommand.ConfigOption);
        var redact = configPath is not null || File.Exists(context.Resolve(SuiteInputs.DefaultConfig))
            ? ConfigLoader.Load(context.Resolve(configPath ?? SuiteInputs.DefaultConfig)).RedactHeaders
            : [];
        string host = parse.GetValue(Host) ?? "127.0.0.1";
        if (System.Net.IPAddress.TryParse(host, out var address) && !System.Net.IPAddress.IsLoopback(address))
        {
            context.Err.WriteLine($"warning: the recording proxy listens on {host}, reachable from other machines; it forwards their requests upstream.");
        }

        bool once = parse.GetValue(Once);
        var options = new RecordingProxyOptions(upstream, outPath, host, parse.GetValue(Port), redact, once);
        RecordingProxy proxy;
        try
        {
            proxy = await RecordingProxy.StartAsync(options, context.Time, context.Interrupt).ConfigureAwait(false);
        }
        catch (HarnessInputException ex)
        {
            throw ex.Within("record");
        }

        var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gate = new Lock();
        int saved = 0;
        await using (proxy.ConfigureAwait(false))
        {
            proxy.Completed += r =>
            {
                string where = r.Path is null ? "not saved" : $"saved {Path.GetRelativePath(context.WorkingDirectory, r.Path)}";
                lock (gate)
                {
                    context.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"request {r.Number}: status {r.Status}, {r.Bytes} B in {r.Reads} reads, {r.DurationMs:0} ms, {r.Ending.ToName()}{(r.NotSaved is { } why ? $"; not saved: {why}" : "")}; {where}"));
                    context.Out.Flush();
                    saved += r.Path is null ? 0 : 1;
                }

                if (r.Path is not null)
                {
                    first.TrySetResult();
                }
            };

            string baseUrl = proxy.BaseUrl.ToString().TrimEnd('/');
            context.Out.WriteLine($"record: listening on {baseUrl}, forwarding to {upstream.ToString().TrimEnd('/')}");
            foreach (var (variable, paths) in ServeCommand.SdkVariables(Formats.WireFormats.All))
            {
                context.Out.WriteLine($"  export {variable.BaseUrlVariable}={baseUrl}{variable.BaseUrlSuffix}    # {paths}");
            }

            context.Out.WriteLine($"  recordings: {Path.GetRelativePath(context.WorkingDirectory, outPath)}{(once ? " (only the first request)" : ", then -2, -3, ...")}; secrets in saved headers are redacted. Ctrl+C stops.");
            context.Out.Flush();
            try
            {
                await (once ? first.Task.WaitAsync(context.Interrupt) : Task.Delay(Timeout.Infinite, context.Interrupt)).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Ctrl+C is how record is meant to end.
            }
        }

        lock (gate)
        {
            context.Out.WriteLine($"record: {saved} recording(s) saved");
        }

        return ExitCodes.Ok;
    }
}
