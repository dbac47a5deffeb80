using TinyAgent.Harness.Formats;
using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Recordings;

/// <summary>
/// The harness's own slow, obviously-correct reader of a body, in its format: judges compare clients against what it
/// derives. Each format's reader lives in its folder under <c>Formats/</c>.
/// </summary>
internal static class ReferenceReader
{
    /// <summary>Reads <paramref name="body"/> as <paramref name="format"/>, or as the format its first event shows.</summary>
    public static ExpectedResult Read(byte[] body, IWireFormat? format = null) => (format ?? WireFormats.Detect(body)).Read(body);
}
