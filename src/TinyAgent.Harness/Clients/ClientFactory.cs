using TinyAgent.Harness.Config;
using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Clients;

/// <summary>Makes the client under test for a config entry: an <c>exec</c> command, or a built-in by name.</summary>
internal sealed class ClientFactory(HarnessConfig? config, string workingDirectory)
{
    // An array, not the dictionary's keys, fixes the order error messages list the names in.
    private static readonly (string Name, string Format, Func<IClientUnderTest> Make)[] s_builtIns =
    [
        (TinyAgentClient.ClientName, "anthropic", () => new TinyAgentClient()),
        (NaiveSplitClient.ClientName, "anthropic", () => new NaiveSplitClient()),
        (NaiveTruncationClient.ClientName, "anthropic", () => new NaiveTruncationClient()),
        (NaiveGhostClient.ClientName, "anthropic", () => new NaiveGhostClient()),
        (HangClient.ClientName, "anthropic", () => new HangClient()),
        (OpenAIChatClient.ClientName, "openai-chat", () => new OpenAIChatClient()),
        (OpenAIResponsesClient.ClientName, "openai-responses", () => new OpenAIResponsesClient()),
    ];

    private static readonly Dictionary<string, Func<IClientUnderTest>> BuiltIns = s_builtIns.ToDictionary(b => b.Name, b => b.Make, StringComparer.Ordinal);

    /// <summary>The wire format a built-in client speaks.</summary>
    public static string FormatOf(string builtIn) => s_builtIns.First(b => b.Name == builtIn).Format;

    /// <summary>The built-in clients' names, known without an <c>exec</c> entry, in the order messages list them.</summary>
    public static IReadOnlyList<string> BuiltInNames { get; } = [.. s_builtIns.Select(b => b.Name)];

    public IClientUnderTest Create(ClientConfig client)
    {
        if (client.Exec is not null)
        {
            string? wd = client.WorkingDirectory is null
                ? config?.BaseDirectory ?? workingDirectory
                : Path.GetFullPath(Path.Combine(config?.BaseDirectory ?? workingDirectory, client.WorkingDirectory));
            return new ExecClient(client.Name, client.Exec, wd);
        }

        return BuiltIns.TryGetValue(client.Name, out var make)
            ? make()
            : throw new HarnessInputException(null, $"unknown client '{client.Name}' (built-in: {string.Join(", ", BuiltInNames)})");
    }
}
