using TinyAgent.Harness.Config;

namespace TinyAgent.Harness.Clients;

/// <summary>Makes the client under test for a config entry: an <c>exec</c> command, or a built-in by name.</summary>
internal sealed class ClientFactory(HarnessConfig? config, string workingDirectory)
{
    private static readonly Dictionary<string, Func<IClientUnderTest>> BuiltIns = new(StringComparer.Ordinal)
    {
        [TinyAgentClient.ClientName] = () => new TinyAgentClient(),
        [NaiveSplitClient.ClientName] = () => new NaiveSplitClient(),
        [NaiveTruncationClient.ClientName] = () => new NaiveTruncationClient(),
        [NaiveGhostClient.ClientName] = () => new NaiveGhostClient(),
        [HangClient.ClientName] = () => new HangClient(),
    };

    public static IReadOnlyCollection<string> BuiltInNames => BuiltIns.Keys;

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
            : throw new ConfigException($"unknown client '{client.Name}' (built-in: {string.Join(", ", BuiltIns.Keys)})");
    }
}
