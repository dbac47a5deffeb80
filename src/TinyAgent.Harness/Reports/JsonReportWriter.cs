using System.Text.Json;
using System.Text.Json.Serialization;
using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Reports;

/// <summary><c>report.json</c>: the stable, documented shape (docs/reports.md); also what <c>merge</c> reads back.</summary>
internal sealed class JsonReportWriter : IReportWriter
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DictionaryKeyPolicy = null,
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,

        // Verdicts, outcomes and statuses stay enums until here: named once, in kebab-case (not-handled, gave-up).
        Converters = { new JsonStringEnumConverter(EnumNames.Policy, allowIntegerValues: false) },
    };

    public string Format => "json";

    public string FileName => "report.json";

    public void Write(SuiteReport report, Stream output) => JsonSerializer.Serialize(output, report, Options);

    public static SuiteReport Read(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return JsonSerializer.Deserialize<SuiteReport>(stream, Options)
                ?? throw new HarnessInputException(path, "empty report");
        }
        catch (JsonException ex)
        {
            throw HarnessInputException.InJson(path, ex, "not a harness report");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new HarnessInputException(path, $"cannot read: {ex.Message}");
        }
    }
}
