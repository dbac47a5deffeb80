using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace TinyAgent.Harness.Server;

/// <summary>An error answered before any stream, in the API's own shape: <c>{"type":"error","error":{...},"request_id":...}</c>.</summary>
internal sealed record ApiError(int Status, string Type, string Message)
{
    public static ApiError InvalidRequest(string message) => new(StatusCodes.Status400BadRequest, "invalid_request_error", message);

    public static ApiError Authentication(string message) => new(StatusCodes.Status401Unauthorized, "authentication_error", message);

    public static ApiError NotFound(string message) => new(StatusCodes.Status404NotFound, "not_found_error", message);

    public static ApiError MethodNotAllowed(string message) => new(StatusCodes.Status405MethodNotAllowed, "invalid_request_error", message);

    public static ApiError TooLarge(string message) => new(StatusCodes.Status413PayloadTooLarge, "request_too_large", message);

    /// <summary>The HTTP status the API uses for an error type met inside a stream (for a non-streaming reply).</summary>
    public static int StatusFor(string errorType) => errorType switch
    {
        "invalid_request_error" => 400,
        "authentication_error" => 401,
        "billing_error" => 402,
        "permission_error" => 403,
        "not_found_error" => 404,
        "request_too_large" => 413,
        "rate_limit_error" => 429,
        "timeout_error" => 504,
        "overloaded_error" => 529,
        _ => 500,
    };

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

    public override string ToString() => Encoding.UTF8.GetString(ToJson("req_"));
}
