namespace TinyAgent.Harness.Clients;

/// <summary>A specimen: the article's loop with exactly one mistake, made by overriding the one hook where it goes.</summary>
internal abstract class SpecimenClient(string name, Func<HttpMessageHandler>? innerHandler) : ArticleLoop(innerHandler), IClientUnderTest
{
    public string Name => name;
}
