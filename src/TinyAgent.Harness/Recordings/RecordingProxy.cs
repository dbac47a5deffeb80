using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TinyAgent.Harness.Formats;
using TinyAgent.Harness.Hosting;
using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Recordings;

/// <summary>Options of <see cref="RecordingProxy"/>.</summary>
/// <param name="Upstream">Where requests go: a base URL (with or without <c>/v1</c>, or a format's full URL); each format's path is appended.</param>
/// <param name="OutPath">The first recording's path (<c>NAME.sse</c>); later ones are <c>NAME-2.sse</c>, <c>NAME-3.sse</c>, ...</param>
/// <param name="Once">Record only the first request (later ones are still forwarded).</param>
internal sealed record RecordingProxyOptions(Uri Upstream, string OutPath, string Host, int Port, IReadOnlyList<string> RedactHeaders, bool Once);

/// <summary>How a proxied response ended; printed by its kebab-case name (<see cref="EnumNames"/>): <c>client-gone</c>.</summary>
internal enum ProxyEnding
{
    /// <summary>The upstream's response was relayed to its end.</summary>
    Complete,

    /// <summary>The upstream's body broke off while it was relayed.</summary>
    UpstreamBroke,

    /// <summary>The upstream gave no response (answered 502).</summary>
    UpstreamUnreachable,

    /// <summary>The client left before the response ended.</summary>
    ClientGone,
}

/// <summary>
/// What one proxied request produced. <paramref name="Path"/> is null when nothing was saved; <paramref name="NotSaved"/>
/// says why a recording could not be written.
/// </summary>
internal sealed record ProxiedRequest(int Number, int Status, long Bytes, int Reads, double DurationMs, ProxyEnding Ending, string? Path, string? NotSaved = null);

/// <summary>
/// A recording proxy on Kestrel: forwards <c>POST</c> on every format's path (<c>/v1/messages</c>,
/// <c>/v1/chat/completions</c>, ...; headers and body) to the same path on the upstream, relays each read to the client
/// as it arrives (write and flush per read, nothing held back), and when the response ends saves the body and a sidecar
/// (status, the format when it is not Anthropic's, headers with secrets redacted, the timeline of reads) with
/// <see cref="RecordingWriter"/>.
/// </summary>
internal sealed class RecordingProxy : IAsyncDisposable
{
    /// <summary>Hop-by-hop and framing headers: the proxy's own connections own them.</summary>
    private static readonly HashSet<string> s_hopByHop = new(
        ["host", "connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade", "proxy-connection", "content-length", "accept-encoding", "expect"],
        StringComparer.OrdinalIgnoreCase);

    private readonly RecordingProxyOptions _options;
    private readonly HeaderRedactor _redactor;
    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly Uri _upstream;
    private WebApplication? _app;
    private int _requests;
    private int _saved;

    private RecordingProxy(RecordingProxyOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
        _redactor = new HeaderRedactor(options.RedactHeaders);
        _upstream = StreamProbe.BaseUrl(options.Upstream.ToString(), "--upstream");
        _http = new HttpClient(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None, UseCookies = false, ConnectTimeout = TimeSpan.FromSeconds(10) })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Raised when a proxied request has ended (and its recording, if any, is on disk).</summary>
    public event Action<ProxiedRequest>? Completed;

    /// <summary>The upstream's base URL; a format's path is appended to it.</summary>
    public Uri Upstream => _upstream;

    /// <summary>Starts listening. Throws <see cref="HarnessInputException"/> (one line) when the address cannot be bound.</summary>
    public static async Task<RecordingProxy> StartAsync(RecordingProxyOptions options, TimeProvider time, CancellationToken ct)
    {
        var address = ListenAddress.Parse("Proxy", options.Host, options.Port);

        var proxy = new RecordingProxy(options, time);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(k => k.Listen(address, options.Port));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Run(proxy.HandleAsync);
        try
        {
            await app.StartAsync(ct).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            proxy._http.Dispose();
            throw ListenAddress.BindFailed(e, "recording proxy", options.Host, options.Host, options.Port);
        }

        proxy._app = app;
        string bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        proxy.BaseUrl = new Uri(bound.Replace("[::]", options.Host, StringComparison.Ordinal));
        return proxy;
    }

    /// <summary>The path of the <paramref name="number"/>-th recording: <c>NAME.sse</c>, then <c>NAME-2.sse</c>, ...</summary>
    public static string PathFor(string outPath, int number) =>
        number == 1 ? outPath : outPath[..^RecordingLoader.Extension.Length] + "-" + number.ToString(CultureInfo.InvariantCulture) + RecordingLoader.Extension;

    public async ValueTask DisposeAsync()
    {
        if (_app is { } app)
        {
            _app = null;
            // Streams still open after two seconds are cut: Ctrl+C must not wait for a long answer to finish.
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await app.StopAsync(grace.Token).ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
        }

        _http.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var format = WireFormats.All.FirstOrDefault(f => (request.Path.Value ?? "").EndsWith(f.Path, StringComparison.Ordinal));
        if (!HttpMethods.IsPost(request.Method) || format is null)
        {
            string paths = string.Join(", ", WireFormats.All.Select(f => f.Path));
            await WriteErrorAsync(context, 404, "not_found_error", $"The recording proxy only forwards POST {paths}.").ConfigureAwait(false);
            return;
        }

        int number = Interlocked.Increment(ref _requests);
        string? path = !_options.Once || Interlocked.Increment(ref _saved) == 1 ? PathFor(_options.OutPath, _options.Once ? 1 : number) : null;
        var ct = context.RequestAborted;
        byte[] requestBody;
        try
        {
            using var copy = new MemoryStream();
            await request.Body.CopyToAsync(copy, ct).ConfigureAwait(false);
            requestBody = copy.ToArray();
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            return; // the client left while sending
        }

        using var forward = new HttpRequestMessage(HttpMethod.Post, new Uri(StreamProbe.Endpoint(_upstream, format) + request.QueryString.Value))
        {
            Content = new ByteArrayContent(requestBody),
        };
        foreach (var (name, values) in request.Headers)
        {
            if (s_hopByHop.Contains(name))
            {
                continue;
            }

            if (name.StartsWith("content-", StringComparison.OrdinalIgnoreCase))
            {
                forward.Content.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
            else
            {
                forward.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        long started = _time.GetTimestamp();
        HttpResponseMessage upstream;
        try
        {
            upstream = await _http.SendAsync(forward, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            if (!ct.IsCancellationRequested)
            {
                await WriteErrorAsync(context, 502, "api_error", $"The recording proxy got no response from the upstream: {e.Message.Split('\n')[0]}").ConfigureAwait(false);
            }

            Completed?.Invoke(new ProxiedRequest(number, 502, 0, 0, _time.GetElapsedTime(started).TotalMilliseconds, ct.IsCancellationRequested ? ProxyEnding.ClientGone : ProxyEnding.UpstreamUnreachable, null));
            return;
        }

        using (upstream)
        {
            var (body, timeline, ending) = await RelayAsync(context, upstream, started, ct).ConfigureAwait(false);
            string? notSaved = null;
            if (path is not null)
            {
                // Anthropic's sidecars name no format (detected from the body), as before formats existed.
                var meta = new RecordingMeta((int)upstream.StatusCode, SavedHeaders(upstream), timeline.Count > 0 ? timeline : null)
                {
                    Format = format == WireFormats.Anthropic ? null : format.Name,
                };
                try
                {
                    RecordingWriter.Write(path, body, meta);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    notSaved = e.Message.Split('\n')[0];
                    path = null;
                }
            }

            Completed?.Invoke(new ProxiedRequest(number, (int)upstream.StatusCode, body.Length, timeline.Count, _time.GetElapsedTime(started).TotalMilliseconds, ending, path, notSaved));
        }
    }

    private async Task<(byte[] Body, List<RecordedChunk> Timeline, ProxyEnding Ending)> RelayAsync(HttpContext context, HttpResponseMessage upstream, long started, CancellationToken ct)
    {
        var response = context.Response;
        response.StatusCode = (int)upstream.StatusCode;
        foreach (var (name, values) in upstream.Headers.Concat(upstream.Content.Headers))
        {
            if (!s_hopByHop.Contains(name))
            {
                response.Headers.Append(name, values.ToArray());
            }
        }

        var body = new MemoryStream();
        var timeline = new List<RecordedChunk>();
        var buffer = new byte[16 * 1024];
        var ending = ProxyEnding.Complete;
        try
        {
            await response.StartAsync(ct).ConfigureAwait(false);
            var stream = await upstream.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            await using (stream.ConfigureAwait(false))
            {
                while (true)
                {
                    int n;
                    try
                    {
                        n = await stream.ReadAsync(buffer, ct).ConfigureAwait(false);
                    }
                    catch (Exception e) when ((e is IOException or HttpRequestException) && !ct.IsCancellationRequested)
                    {
                        // The upstream broke the stream: pass the break on, so the client sees what a direct client would.
                        ending = ProxyEnding.UpstreamBroke;
                        context.Abort();
                        break;
                    }

                    if (n == 0)
                    {
                        break;
                    }

                    timeline.Add(new RecordedChunk((int)body.Length, _time.GetElapsedTime(started).TotalMilliseconds));
                    body.Write(buffer, 0, n);
                    await response.Body.WriteAsync(buffer.AsMemory(0, n), ct).ConfigureAwait(false);
                    await response.Body.FlushAsync(ct).ConfigureAwait(false);
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            ending = ProxyEnding.ClientGone; // the body saved is what the upstream sent until then
        }

        return (body.ToArray(), timeline, ending);
    }

    /// <summary>The upstream's response headers as saved: framing headers dropped, secrets redacted.</summary>
    private List<KeyValuePair<string, string>> SavedHeaders(HttpResponseMessage upstream) =>
        [.. upstream.Headers.Concat(upstream.Content.Headers)
            .Where(h => !s_hopByHop.Contains(h.Key))
            .Select(h => new KeyValuePair<string, string>(h.Key.ToLowerInvariant(), _redactor.IsSecret(h.Key) ? HeaderRedactor.Redacted : string.Join(", ", h.Value)))];

    private static async Task WriteErrorAsync(HttpContext context, int status, string type, string message)
    {
        byte[] json = Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(new { type = "error", error = new { type, message } }));
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = json.Length;
        await context.Response.Body.WriteAsync(json, context.RequestAborted).ConfigureAwait(false);
    }
}
