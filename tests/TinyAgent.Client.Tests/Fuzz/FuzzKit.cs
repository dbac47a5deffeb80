using System.Diagnostics;
using TinyAgent.Client.Tests.Support;

namespace TinyAgent.Client.Tests.Fuzz;

/// <summary>Bundled recordings, seeded chunk plans, and one parse through a stub handler reduced to a comparable outcome.</summary>
internal static class FuzzKit
{
    /// <summary>Iterations per fuzz test: 10,000 in CI; set TINYAGENT_FUZZ_ITERATIONS for a longer run.</summary>
    public static int Iterations =>
        int.TryParse(Environment.GetEnvironmentVariable("TINYAGENT_FUZZ_ITERATIONS"), out int n) && n > 0 ? n : 10_000;

    /// <summary>The seed of every fuzz test; TINYAGENT_FUZZ_SEED overrides it to explore further.</summary>
    public static int Seed =>
        int.TryParse(Environment.GetEnvironmentVariable("TINYAGENT_FUZZ_SEED"), out int s) ? s : 20261124;

    /// <summary>A single parse that takes longer than this counts as a hang.</summary>
    public static readonly TimeSpan ParseBound = TimeSpan.FromSeconds(20);

    private static readonly Lazy<IReadOnlyList<(string Name, byte[] Body)>> s_recordings = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TinyAgent.slnx")))
            {
                return [.. Directory.EnumerateFiles(Path.Combine(dir.FullName, "recordings"), "*.sse")
                    .Order(StringComparer.Ordinal)
                    .Select(p => (Path.GetFileNameWithoutExtension(p), File.ReadAllBytes(p)))];
            }
        }

        throw new InvalidOperationException($"no TinyAgent.slnx above {AppContext.BaseDirectory}");
    });

    public static IReadOnlyList<(string Name, byte[] Body)> Recordings => s_recordings.Value;

    private static readonly MessagesClientOptions s_options = Clients.Options() with { MaxRetries = 0 };

    /// <summary>Cuts <paramref name="body"/> into reads: each plan picks a size ceiling (1 byte to 4 KB) so bytewise, small and large reads all occur.</summary>
    /// <param name="maxReads">Raises the ceiling for large bodies so one plan makes about this many reads at most
    /// (a megabyte line read byte by byte would take a million reads and tell nothing new).</param>
    public static List<byte[]> RandomChunks(byte[] body, Random random, int maxReads = int.MaxValue)
    {
        int[] ceilings = [1, 3, 8, 32, 128, 1024, 4096];
        int ceiling = Math.Max(ceilings[random.Next(ceilings.Length)], (int)Math.Min(int.MaxValue, 2L * body.Length / maxReads));
        var chunks = new List<byte[]>();
        for (int offset = 0; offset < body.Length;)
        {
            int size = Math.Min(body.Length - offset, random.Next(1, ceiling + 1));
            chunks.Add(body[offset..(offset + size)]);
            offset += size;
        }

        return chunks;
    }

    /// <summary>Parses the chunks with the real client over a stub handler: "ok" and the message, or the exception type and the partial message.
    /// Anything outside the AnthropicException family propagates.</summary>
    public static async Task<string> OutcomeAsync(IReadOnlyList<byte[]> chunks, bool enumerate = false)
    {
        var client = Clients.Stub(chunks, s_options);
        try
        {
            await using var stream = client.Stream(Clients.Request);
            if (enumerate)
            {
                await foreach (var _ in stream)
                {
                }

                return "ok\n" + Describe.Message(stream.Current!);
            }

            var message = await stream.GetFinalMessageAsync().ConfigureAwait(false);
            return "ok\n" + Describe.Message(message);
        }
        catch (AnthropicException e)
        {
            return $"{e.GetType().Name}\n{(e.PartialMessage is { } partial ? Describe.Message(partial) : "(no partial message)")}";
        }
    }

    /// <summary>The rate of a fuzz loop, for the test output.</summary>
    public static string Rate(int iterations, Stopwatch watch) =>
        $"{iterations:N0} parses in {watch.Elapsed.TotalSeconds:0.00} s ({iterations / watch.Elapsed.TotalSeconds:N0}/s)";
}
