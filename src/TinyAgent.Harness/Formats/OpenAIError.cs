using System.Text.Json;

namespace TinyAgent.Harness.Formats;

/// <summary>
/// The error object of both OpenAI formats, Chat Completions and Responses, as an error reply's body and as vLLM's
/// in-stream error: <c>{"error":{"message","type","param","code"}}</c> (WIRE-OPENAI.md), written as the API writes it.
/// </summary>
internal static class OpenAIError
{
    public static byte[] Write(string message, string type, string? code)
    {
        using var buffer = new MemoryStream(160);
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = Json.ApiOptions.Encoder }))
        {
            json.WriteStartObject();
            json.WriteStartObject("error");
            json.WriteString("message", message);
            json.WriteString("type", type);
            json.WriteNull("param");
            if (code is null)
            {
                json.WriteNull("code");
            }
            else
            {
                json.WriteString("code", code);
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }
}
