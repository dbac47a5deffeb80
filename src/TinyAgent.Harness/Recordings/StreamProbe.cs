using System.Net;
using System.Text;
using TinyAgent.Harness.Formats;
using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Recordings;

/// <summary>What <see cref="StreamProbe"/> read: the status, how the body ended, and each read's size and time (ms since the request).</summary>
internal sealed record ProbedStream(int Status, string Ending, IReadOnlyList<(int Size, double AtMs)> Reads);

/// <summary>
/// Reads a live stream the way a client does and notes every read's size and time: POSTs a minimal streaming
/// request of a format (<see cref="IWireFormat.Probe"/>) and reads the body with one buffer until it ends. Each read
/// returns what had arrived, so the sizes are what a client's parser would have been handed.
/// </summary>
internal static class StreamProbe
{
    /// <summary>
    /// A server's base URL from what a user gives: an http(s) URL, with a format's path (<c>/v1/messages</c>,
    /// <c>/v1/chat/completions</c>) or a trailing <c>/v1</c> (as OpenAI base URLs carry it) taken off.
    /// </summary>
    public static Uri BaseUrl(string url, string option = "--url")
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new HarnessInputException(option, $"'{url}' is not an http or https URL");
        }

        string path = uri.AbsolutePath.TrimEnd('/');
        if (WireFormats.All.FirstOrDefault(f => path.EndsWith(f.Path, StringComparison.Ordinal)) is { } named)
        {
            path = path[..^named.Path.Length];
        }
        else if (path.EndsWith("/v1", StringComparison.Ordinal))
        {
            path = path[..^"/v1".Length];
        }

        return new UriBuilder(uri) { Path = path }.Uri;
    }

    /// <summary>Where a probe of <paramref name="format"/> POSTs: the base URL of <paramref name="url"/> and the format's path.</summary>
    public static Uri EndpointUrl(string url, IWireFormat format, string option = "--url") => Endpoint(BaseUrl(url, option), format);

    /// <summary>The format's path under a base URL (which may carry a prefix of its own, e.g. <c>/s/{scenario}</c>).</summary>
    public static Uri Endpoint(Uri baseUrl, IWireFormat format) =>
        new UriBuilder(baseUrl) { Path = baseUrl.AbsolutePath.TrimEnd('/') + format.Path }.Uri;

    public static async Task<ProbedStream> ReadAsync(Uri url, IReadOnlyList<KeyValuePair<string, string>> headers, string body, TimeProvider time, TimeSpan limit, CancellationToken ct)
    {
        using var handler = new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None, ConnectTimeout = TimeSpan.FromSeconds(10) };
        using var http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in headers)
        {
            request.Headers.Remove(name);
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(limit);
        var chunks = new List<(int, double)>();
        long started = time.GetTimestamp();
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            throw new HarnessInputException("--url", $"no response from {url}: {e.Message.Split('\n')[0]}");
        }

        using (response)
        {
            string ending = "complete";
            var buffer = new byte[64 * 1024];
            try
            {
                var stream = await response.Content.ReadAsStreamAsync(cts.Token).ConfigureAwait(false);
                await using (stream.ConfigureAwait(false))
                {
                    int n;
                    while ((n = await stream.ReadAsync(buffer, cts.Token).ConfigureAwait(false)) > 0)
                    {
                        chunks.Add((n, time.GetElapsedTime(started).TotalMilliseconds));
                    }
                }
            }
            catch (OperationCanceledException)
            {
                ending = ct.IsCancellationRequested ? "interrupted" : $"gave up after {limit.TotalSeconds:0} s";
            }
            catch (Exception e) when (e is IOException or HttpRequestException)
            {
                ending = "broken: " + (e.InnerException?.Message ?? e.Message).Split('\n')[0];
            }

            return new ProbedStream((int)response.StatusCode, ending, chunks);
        }
    }
}
