using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using TinyAgent.Harness.Plan;

namespace TinyAgent.Harness.Replay;

/// <summary>What a valid request asked for.</summary>
internal readonly record struct MessagesRequest(bool Stream);

/// <summary>Checks a <c>POST /v1/messages</c> the way the API does: key, version, then the JSON body.</summary>
internal sealed class RequestValidator(ReplayServerOptions options)
{
    private readonly HashSet<string> _versions = new(options.AcceptedVersions, StringComparer.Ordinal);

    public ApiError? CheckHeaders(HttpRequest request)
    {
        string key = request.Headers["x-api-key"].ToString();
        string authorization = request.Headers.Authorization.ToString();
        bool bearer = authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && authorization.Length > "Bearer ".Length;
        if (key.Length == 0 && !bearer)
        {
            return ApiError.Authentication("x-api-key header is required (or authorization: Bearer <token>).");
        }

        string version = request.Headers["anthropic-version"].ToString();
        if (version.Length == 0)
        {
            return ApiError.InvalidRequest("anthropic-version: header is required.");
        }

        return _versions.Contains(version) || IsLaterDatedVersion(version)
            ? null
            : ApiError.InvalidRequest($"anthropic-version: unknown version '{version}'.");
    }

    /// <summary>
    /// Current SDKs send newer dated versions than the ones listed (the official .NET and TypeScript SDKs send
    /// e.g. 2026-10-21); any yyyy-MM-dd from 2023-01-01 on is accepted so real clients reach the stream.
    /// </summary>
    internal static bool IsLaterDatedVersion(string version) =>
        DateOnly.TryParseExact(version, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var date)
        && date >= new DateOnly(2023, 1, 1);

    /// <summary>Reads and checks the body; returns the request or the error to answer.</summary>
    public async Task<(MessagesRequest Request, ApiError? Error)> ReadBodyAsync(HttpRequest request, CancellationToken ct)
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
                    return Parse(read.Buffer);
                }
                finally
                {
                    reader.AdvanceTo(read.Buffer.End);
                }
            }

            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }
    }

    internal static (MessagesRequest Request, ApiError? Error) Parse(ReadOnlySequence<byte> body)
    {
        if (body.IsEmpty)
        {
            return (default, ApiError.InvalidRequest("Request body is empty; expected a JSON object with model, max_tokens and messages."));
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

            if (!root.TryGetProperty("model", out var model))
            {
                return (default, ApiError.InvalidRequest("model: field required."));
            }

            if (model.ValueKind != JsonValueKind.String || model.GetString()!.Length == 0)
            {
                return (default, ApiError.InvalidRequest("model: expected a non-empty string."));
            }

            if (!root.TryGetProperty("max_tokens", out var maxTokens))
            {
                return (default, ApiError.InvalidRequest("max_tokens: field required."));
            }

            if (maxTokens.ValueKind != JsonValueKind.Number || !maxTokens.TryGetInt32(out int max) || max <= 0)
            {
                return (default, ApiError.InvalidRequest("max_tokens: expected a positive integer."));
            }

            if (!root.TryGetProperty("messages", out var messages))
            {
                return (default, ApiError.InvalidRequest("messages: field required."));
            }

            if (messages.ValueKind != JsonValueKind.Array)
            {
                return (default, ApiError.InvalidRequest("messages: expected an array."));
            }

            bool stream = false;
            if (root.TryGetProperty("stream", out var streamFlag))
            {
                if (streamFlag.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                {
                    return (default, ApiError.InvalidRequest("stream: expected a boolean."));
                }

                stream = streamFlag.GetBoolean();
            }

            return (new MessagesRequest(stream), null);
        }
    }

    private ApiError TooLarge() => ApiError.TooLarge($"Request body exceeds {options.MaxRequestBodyBytes} bytes.");
}
