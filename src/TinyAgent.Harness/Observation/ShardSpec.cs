using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Observation;

/// <summary><c>--shard K/N</c>: this job runs every N-th run of the sorted matrix, starting at the K-th (1-based).</summary>
internal readonly record struct ShardSpec(int Index, int Count)
{
    public static ShardSpec Parse(string text)
    {
        var parts = text.Split('/');
        if (parts.Length != 2 || !int.TryParse(parts[0], out int k) || !int.TryParse(parts[1], out int n))
        {
            throw new HarnessInputException("--shard", $"'{text}' is not K/N (for example 1/4)");
        }

        if (n < 1 || k < 1 || k > n)
        {
            throw new HarnessInputException("--shard", $"'{text}' needs 1 <= K <= N");
        }

        return new ShardSpec(k, n);
    }

    public bool Includes(int position) => position % Count == Index - 1;

    public override string ToString() => $"{Index}/{Count}";
}
