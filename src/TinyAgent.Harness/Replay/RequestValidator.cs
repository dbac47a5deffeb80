using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using TinyAgent.Harness.Formats;

namespace TinyAgent.Harness.Replay;

/// <summary>What a valid request asked for.</summary>
internal readonly record struct MessagesRequest(bool Stream);

/// <summary>Reads a request body within the size limit and checks it is a JSON object; the format checks its fields (and, before, the headers).</summary>
internal sealed class RequestValidator(ReplayServerOptions options)
{
    /// <summary>Reads and checks the body; returns the request or the error to answer.</summary>
    public async Task<(MessagesRequest Request, ApiError? Error)> ReadBodyAsync(HttpRequest request, IWireFormat format, CancellationToken ct)
    {
        if (request.ContentLength > options.MaxRequestBodyBytes)
        {
            return (default, TooLarge());
        }

        PipeReader reader = request.BodyReader;
        while (true)
        {
            var read = await reader.ReadAsync(ct).ConfigureAwait(false);
            if (read.Buffer.Length > options.MaxRequestBodyBytes)
            {
                reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
                return (default, TooLarge());
            }

            if (read.IsCompleted || read.IsCanceled)
            {
                try
                {
                    return Parse(read.Buffer, format);
                }
                finally
                {
                    reader.AdvanceTo(read.Buffer.End);
                }
            }

            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }
    }

    internal static (MessagesRequest Request, ApiError? Error) Parse(ReadOnlySequence<byte> body, IWireFormat format)
    {
        if (body.IsEmpty)
        {
            return (default, ApiError.InvalidRequest($"Request body is empty; expected a JSON object with {format.RequiredFields}."));
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            return (default, ApiError.InvalidRequest($"Request body is not valid JSON: {e.Message}"));
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return (default, ApiError.InvalidRequest($"Request body: expected a JSON object, got {root.ValueKind.ToString().ToLowerInvariant()}."));
            }

            var (stream, error) = format.CheckBody(root);
            return (new MessagesRequest(stream), error);
        }
    }

    private ApiError TooLarge() => ApiError.TooLarge($"Request body exceeds {options.MaxRequestBodyBytes} bytes.");
}
