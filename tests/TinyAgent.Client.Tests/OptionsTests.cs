namespace TinyAgent.Client.Tests;

public sealed class OptionsTests
{
    private static readonly MessagesClientOptions Valid = new() { ApiKey = "k" };

    [Test]
    public void Defaults_are_valid_once_an_api_key_is_given() => Assert.DoesNotThrow(Valid.Validate);

    [Test]
    public void Defaults_are_documented_values()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Valid.AnthropicVersion, Is.EqualTo("2023-06-01"));
            Assert.That(Valid.MaxRetries, Is.EqualTo(2));
            Assert.That(Valid.ThrowOnMaxTokens, Is.False);
            Assert.That(Valid.IdleRequiresContent, Is.False);
            Assert.That(Valid.TimeProvider, Is.SameAs(TimeProvider.System));
        });
    }

    private static IEnumerable<TestCaseData> Invalid()
    {
        yield return new TestCaseData(Valid with { ApiKey = "" }, "ApiKey");
        yield return new TestCaseData(Valid with { IdleTimeout = TimeSpan.Zero }, "IdleTimeout");
        yield return new TestCaseData(Valid with { FirstByteTimeout = TimeSpan.FromSeconds(-1) }, "FirstByteTimeout");
        yield return new TestCaseData(Valid with { TotalTimeout = TimeSpan.Zero }, "TotalTimeout");
        yield return new TestCaseData(Valid with { MaxRetries = -1 }, "MaxRetries");
        yield return new TestCaseData(Valid with { RetryMaxDelay = TimeSpan.FromMilliseconds(1) }, "RetryMaxDelay");
        yield return new TestCaseData(Valid with { BaseUrl = new Uri("relative", UriKind.Relative) }, "BaseUrl");
    }

    [TestCaseSource(nameof(Invalid))]
    public void Validate_names_the_invalid_field(MessagesClientOptions options, string field)
    {
        var ex = Assert.Throws<ArgumentException>(options.Validate)!;
        Assert.That(ex.ParamName, Is.EqualTo(field));
        Assert.That(ex.Message, Does.Contain(field));
    }
}
