using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace TinyAgent.Harness.Formats;

/// <summary>An error answered before any stream, in the API's own shape: <c>{"type":"error","error":{...},"request_id":...}</c>.</summary>
internal sealed record ApiError(int Status, string Type, string Message)
{
    /// <summary>The error's <c>code</c>, for formats whose error objects carry one (OpenAI's <c>invalid_api_key</c>, <c>rate_limit_exceeded</c>); null otherwise.</summary>
    public string? Code { get; init; }

    public static ApiError InvalidRequest(string message) => new(StatusCodes.Status400BadRequest, "invalid_request_error", message);

    public static ApiError Authentication(string message) => new(StatusCodes.Status401Unauthorized, "authentication_error", message);

    public static ApiError NotFound(string message) => new(StatusCodes.Status404NotFound, "not_found_error", message);

    public static ApiError MethodNotAllowed(string message) => new(StatusCodes.Status405MethodNotAllowed, "invalid_request_error", message);

    public static ApiError TooLarge(string message) => new(StatusCodes.Status413PayloadTooLarge, "request_too_large", message);

    /// <summary>The API's documented error types by status, each with a message fitting it; one table for both directions.</summary>
    private static readonly ApiError[] s_documented =
    [
        new(400, "invalid_request_error", "Invalid request"),
        new(401, "authentication_error", "invalid x-api-key"),
        new(402, "billing_error", "Billing error"),
        new(403, "permission_error", "Permission denied"),
        new(404, "not_found_error", "Not found"),
        new(413, "request_too_large", "Request exceeds the maximum allowed number of bytes."),
        new(429, "rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit"),
        new(500, "api_error", "Internal server error"),
        new(504, "timeout_error", "Request timeout"),
        new(529, "overloaded_error", "Overloaded"),
    ];

    /// <summary>The HTTP status the API uses for an error type met inside a stream (for a non-streaming reply); 500 when unknown.</summary>
    public static int StatusFor(string errorType) => Array.Find(s_documented, e => e.Type == errorType)?.Status ?? 500;

    /// <summary>The documented error for a status; other statuses map by class (4xx <c>invalid_request_error</c>, 5xx <c>api_error</c>).</summary>
    public static ApiError ForStatus(int status) =>
        Documented(status) ?? Documented(status < 500 ? 400 : 500)! with { Status = status };

    public byte[] ToJson(string requestId)
    {
        using var buffer = new MemoryStream(128);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("type", "error");
            json.WriteStartObject("error");
            json.WriteString("type", Type);
            json.WriteString("message", Message);
            json.WriteEndObject();
            json.WriteString("request_id", requestId);
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static ApiError? Documented(int status) => Array.Find(s_documented, e => e.Status == status);

    public override string ToString() => Encoding.UTF8.GetString(ToJson("req_"));
}
