using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;

namespace TinyAgent.Client.Tests.Fuzz;

/// <summary>
/// Broken bodies (truncated, flipped bytes, stray CR/LF, NULs, huge lines, pure noise) end in a message or an
/// exception of the documented <see cref="AnthropicException"/> family: never another type, never a hang.
/// </summary>
internal sealed class MutationFuzzTests
{
    private static readonly string[] Mutations = ["truncate", "flip", "crlf", "nul", "huge-line", "noise", "splice", "drop-bytes"];

    [Test]
    public async Task Mutated_streams_end_in_a_message_or_a_documented_exception_and_never_hang()
    {
        var recordings = FuzzKit.Recordings;
        int iterations = FuzzKit.Iterations;
        var unexpected = new ConcurrentBag<string>();
        var outcomes = new ConcurrentDictionary<string, int>();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        var watch = Stopwatch.StartNew();

        await Parallel.ForAsync(0, iterations, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, async (n, _) =>
        {
            var random = new Random(FuzzKit.Seed + n);
            var source = recordings[n % recordings.Count];
            string mutation = Mutations[random.Next(Mutations.Length)];
            byte[] body = Mutate(source.Body, mutation, random);
            try
            {
                string outcome = await FuzzKit.OutcomeAsync(FuzzKit.RandomChunks(body, random, maxReads: 20_000), enumerate: n % 2 == 0).WaitAsync(FuzzKit.ParseBound);
                outcomes.AddOrUpdate(outcome[..outcome.IndexOf('\n', StringComparison.Ordinal)], 1, (_, c) => c + 1);
            }
            catch (TimeoutException)
            {
                unexpected.Add($"case {n} ({mutation} of {source.Name}): no result within {FuzzKit.ParseBound.TotalSeconds} s (hang)");
            }
            catch (Exception e)
            {
                unexpected.Add($"case {n} ({mutation} of {source.Name}): {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
            }
        }).WaitAsync(TimeSpan.FromMinutes(10));

        TestContext.Out.WriteLine($"mutations: {FuzzKit.Rate(iterations, watch)}, {(Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds:0.0} s CPU; outcomes: {string.Join(", ", outcomes.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key} {o.Value}"))}");
        Assert.That(unexpected, Is.Empty, $"seed {FuzzKit.Seed}; reproduce a case with TINYAGENT_FUZZ_SEED");
        Assert.That(outcomes.Keys, Has.Count.GreaterThan(2), "the mutations reach several outcomes, not one");
    }

    internal static byte[] Mutate(byte[] body, string mutation, Random random)
    {
        var bytes = new List<byte>(body);
        int At() => random.Next(bytes.Count + 1);
        switch (mutation)
        {
            case "truncate":
                return body[..random.Next(body.Length + 1)];
            case "flip":
                for (int i = random.Next(1, 8); i > 0 && bytes.Count > 0; i--)
                {
                    bytes[random.Next(bytes.Count)] ^= (byte)(1 << random.Next(8));
                }

                break;
            case "crlf":
                for (int i = random.Next(1, 6); i > 0; i--)
                {
                    bytes.InsertRange(At(), random.Next(4) switch { 0 => "\r"u8.ToArray(), 1 => "\n"u8.ToArray(), 2 => "\r\n"u8.ToArray(), _ => "\n\n"u8.ToArray() });
                }

                break;
            case "nul":
                for (int i = random.Next(1, 6); i > 0; i--)
                {
                    bytes.Insert(At(), 0);
                }

                break;
            case "huge-line":
                // Rare and bounded (up to 1 MiB) so ten thousand cases stay fast.
                int size = random.Next(4) == 0 ? random.Next(256 * 1024, 1024 * 1024) : random.Next(1024, 64 * 1024);
                byte[] line = random.Next(2) == 0
                    ? Encoding.UTF8.GetBytes("data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"" + new string('x', size) + "\"}}\n")
                    : Encoding.UTF8.GetBytes(new string('y', size));
                bytes.InsertRange(At(), line);
                break;
            case "noise":
                var noise = new byte[random.Next(0, 4096)];
                random.NextBytes(noise);
                return noise;
            case "splice":
                int from = random.Next(body.Length), length = random.Next(body.Length - from + 1);
                bytes.InsertRange(At(), body[from..(from + length)]);
                break;
            case "drop-bytes":
                for (int i = random.Next(1, 16); i > 0 && bytes.Count > 0; i--)
                {
                    bytes.RemoveAt(random.Next(bytes.Count));
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(mutation), mutation, null);
        }

        return [.. bytes];
    }
}
