using System.Net.Http.Headers;
using System.Text;

namespace TinyAgent.Harness.Clients;

/// <summary>The request every built-in HTTP client streams its answer with; only the path, the body and the key headers differ by format.</summary>
internal static class StreamRequest
{
    /// <summary>POST <c>{baseUrl}{path}</c> with a JSON body and <paramref name="headers"/> (a dummy key), asking for an event stream.</summary>
    public static HttpRequestMessage Create(Uri baseUrl, string path, string body, params ReadOnlySpan<(string Name, string Value)> headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUrl.ToString().TrimEnd('/') + path))
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        return request;
    }
}
