
namespace TinyAgent.Harness.Tests.Exec;

/// <summary>The replay server must let real SDKs through: they send newer anthropic-version dates than the listed ones.</summary>
internal sealed class SdkCompatibilityTests
{
    [TestCase("2026-10-21", ExpectedResult = true, Description = "sent by Anthropic 13.12.0 (.NET) and @anthropic-ai/sdk 1.12.0")]
    [TestCase("2023-06-01", ExpectedResult = true)]
    [TestCase("2023-01-01", ExpectedResult = true)]
    [TestCase("1999-01-01", ExpectedResult = false)]
    [TestCase("2026-13-01", ExpectedResult = false)]
    [TestCase("latest", ExpectedResult = false)]
    public bool Dated_versions_from_2023_on_are_accepted(string version) => Formats.Anthropic.AnthropicFormat.IsLaterDatedVersion(version);
}
