namespace TinyAgent.Harness.Formats.OpenAIResponses;

/// <summary>
/// OpenAI's error shape, <c>{"error":{"message","type","param","code"}}</c> (WIRE-OPENAI.md "Errors before the stream"),
/// with the types and codes the API answers by status. <see cref="ApiError"/> carries a type only, so the code is this
/// table's for the status and type.
/// </summary>
internal static class ResponsesErrors
{
    /// <summary>One documented error: status, <c>type</c>, <c>code</c>, and a message fitting it.</summary>
    private sealed record Documented(int Status, string Type, string? Code, string Message);

    private static readonly Documented[] s_documented =
    [
        new(400, "invalid_request_error", null, "Invalid request."),
        new(401, "invalid_request_error", "invalid_api_key", "Incorrect API key provided."),
        new(403, "request_forbidden", "unsupported_country_region_territory", "Country, region, or territory not supported"),
        new(404, "invalid_request_error", null, "The model does not exist or you do not have access to it."),
        new(429, "requests", "rate_limit_exceeded", "Rate limit reached for requests per min (RPM): Limit 500, Used 500, Requested 1. Please try again in 1s."),
        new(500, "server_error", null, "The server had an error while processing your request. Sorry about that!"),

        // Observed as a streamed error event (Wei-Shaw/sub2api #6631): the same type and code answer a 503.
        new(503, "service_unavailable_error", "server_is_overloaded", "Our servers are currently overloaded. Please try again later."),
    ];

    /// <summary>The documented error for a status; others by class: 4xx <c>invalid_request_error</c>, 5xx <c>server_error</c>.</summary>
    public static ApiError ForStatus(int status)
    {
        var d = Array.Find(s_documented, e => e.Status == status) ?? Array.Find(s_documented, e => e.Status == (status < 500 ? 400 : 500))!;
        return new ApiError(status, d.Type, d.Message);
    }

    /// <summary>The status a non-streaming reply answers for an error met inside a stream (its type or code); 500 when unknown.</summary>
    public static int StatusFor(string typeOrCode) => typeOrCode switch
    {
        "invalid_request_error" => 400,
        "requests" or "tokens" or "rate_limit_exceeded" or "too_many_requests" or "insufficient_quota" => 429,
        "service_unavailable_error" or "server_is_overloaded" => 503,
        _ => 500,
    };

    /// <summary>The body of an error reply. Errors the server makes before it knows the format (a route, a size) carry Anthropic's types: they get OpenAI's.</summary>
    public static byte[] Body(ApiError error)
    {
        string type = error.Type switch
        {
            "not_found_error" or "request_too_large" or "authentication_error" or "permission_error" => "invalid_request_error",
            "api_error" => "server_error",
            _ => error.Type,
        };
        string? code = Array.Find(s_documented, d => d.Status == error.Status && d.Type == type)?.Code;
        return OpenAIError.Write(error.Message, type, code);
    }
}
