using System.Text.Json;

namespace TinyAgent.Harness.Formats;

/// <summary>The checks every format's API makes on a request body, in its order: a model, the required fields, then <c>stream</c>.</summary>
internal static class RequestFields
{
    public const string PositiveInteger = "a positive integer";

    public const string Array = "an array";

    public const string StringOrArray = "a string or an array";

    /// <summary>Checks <paramref name="root"/> (a JSON object) for a non-empty string <paramref name="model"/> field and each required field's kind.</summary>
    public static (bool Stream, ApiError? Error) Check(JsonElement root, string model, params (string Name, string Kind)[] required)
    {
        if (!root.TryGetProperty(model, out var modelValue))
        {
            return (false, ApiError.InvalidRequest($"{model}: field required."));
        }

        if (modelValue.ValueKind != JsonValueKind.String || modelValue.GetString()!.Length == 0)
        {
            return (false, ApiError.InvalidRequest($"{model}: expected a non-empty string."));
        }

        foreach (var (name, kind) in required)
        {
            if (!root.TryGetProperty(name, out var value))
            {
                return (false, ApiError.InvalidRequest($"{name}: field required."));
            }

            bool ok = kind switch
            {
                PositiveInteger => value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int n) && n > 0,
                Array => value.ValueKind == JsonValueKind.Array,
                _ => value.ValueKind is JsonValueKind.String or JsonValueKind.Array,
            };
            if (!ok)
            {
                return (false, ApiError.InvalidRequest($"{name}: expected {kind}."));
            }
        }

        if (!root.TryGetProperty("stream", out var stream))
        {
            return (false, null);
        }

        return stream.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? (stream.GetBoolean(), null)
            : (false, ApiError.InvalidRequest("stream: expected a boolean."));
    }
}
