using TinyAgent.Harness.Recordings;
using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Tests.Recordings;

/// <summary>Seeded fuzzing of the loader's checks: anything either loads or is rejected with a one-line HarnessInputException.</summary>
internal sealed class RecordingLoaderFuzzTests
{
    private const int Iterations = 3000;
    private static readonly byte[][] Bundled = [.. RepoPaths.BundledNames().Select(n => File.ReadAllBytes(Path.Combine(RepoPaths.RecordingsFolder, n + ".sse")))];
    private static readonly byte[][] Sidecars = [.. RepoPaths.BundledNames().Select(n => File.ReadAllBytes(Path.Combine(RepoPaths.RecordingsFolder, n + ".meta.json")))];

    [Test]
    public void Random_bytes_either_load_or_give_a_recording_exception()
    {
        var rng = new Random(20261124);
        for (int i = 0; i < Iterations; i++)
        {
            var bytes = new byte[rng.Next(0, 600)];
            rng.NextBytes(bytes);
            AcceptOrReject(i, bytes, b => RecordingLoader.ValidateBody("fuzz.sse", b));
        }
    }

    [Test]
    public void Mutated_recordings_either_load_or_give_a_one_line_recording_exception()
    {
        var rng = new Random(7);
        for (int i = 0; i < Iterations; i++)
        {
            AcceptOrReject(i, Mutate(rng, Bundled[rng.Next(Bundled.Length)]), b => RecordingLoader.ValidateBody("fuzz.sse", b));
        }
    }

    [Test]
    public void Mutated_sidecars_either_parse_or_give_a_one_line_recording_exception()
    {
        var rng = new Random(11);
        for (int i = 0; i < Iterations; i++)
        {
            AcceptOrReject(i, Mutate(rng, Sidecars[rng.Next(Sidecars.Length)]), b => RecordingLoader.ParseSidecar("fuzz.meta.json", b, 3000));
        }
    }

    /// <summary>One mutation: truncation, a flipped byte, an inserted CR/LF/brace/quote/NUL, a deleted range, or a random byte.</summary>
    private static byte[] Mutate(Random rng, byte[] src)
    {
        int pos = rng.Next(src.Length);
        byte b = (byte)rng.Next(256);
        return rng.Next(5) switch
        {
            0 => src[..pos],
            1 => [.. src[..pos], (byte)(src[pos] ^ (b | 1)), .. src[(pos + 1)..]],
            2 => [.. src[..pos], "\r\n{\"\0"u8[b % 5], .. src[pos..]],
            3 => [.. src[..pos], .. src[Math.Min(src.Length, pos + rng.Next(1, 40))..]],
            _ => [.. src[..pos], b, .. src[pos..]],
        };
    }

    private static void AcceptOrReject(int iteration, byte[] input, Action<byte[]> load)
    {
        try
        {
            load(input);
        }
        catch (HarnessInputException ex)
        {
            Assert.That(ex.Message, Does.StartWith("fuzz.").And.Not.Contain('\n'), $"iteration {iteration}");
        }
        catch (Exception ex)
        {
            Assert.Fail($"iteration {iteration}: {ex.GetType().Name}: {ex.Message} for input {Convert.ToBase64String(input)}");
        }
    }
}
