namespace TinyAgent.Harness.Plan;

/// <summary>FNV-1a over UTF-16 code units: stable across processes (string.GetHashCode is randomised per process).</summary>
internal static class StableHash
{
    public static int Of(params string[] parts)
    {
        unchecked
        {
            uint hash = 2166136261;
            foreach (string part in parts)
            {
                foreach (char c in part)
                {
                    hash = (hash ^ c) * 16777619;
                }

                hash = (hash ^ 0x1F) * 16777619; // separator, so ("ab","c") != ("a","bc")
            }

            return (int)(hash & 0x7FFFFFFF);
        }
    }
}
