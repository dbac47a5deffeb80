using TinyAgent.Harness.Clients;
using TinyAgent.Harness.Model;

namespace TinyAgent.Harness.Tests.Clients;

internal static class ClientTestContext
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    public static ClientRunContext Create(Uri? baseUrl = null, ConsumerModel? consumer = null, TimeSpan? deadline = null, TimeSpan? linger = null) => new()
    {
        BaseUrl = baseUrl ?? new Uri("http://127.0.0.1:9/"),
        Consumer = consumer ?? ConsumerModel.ReadAll,
        Timeouts = new RunTimeouts(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30), deadline ?? TimeSpan.FromSeconds(20)),
        Time = TimeProvider.System,
        Linger = linger ?? TimeSpan.FromMilliseconds(200),
    };

    /// <summary>Byte offset of <paramref name="marker"/>'s <paramref name="occurrence"/>-th appearance in <paramref name="body"/>, plus <paramref name="shift"/>.</summary>
    public static int OffsetOf(byte[] body, string marker, int occurrence = 1, int shift = 0)
    {
        var needle = System.Text.Encoding.UTF8.GetBytes(marker);
        int from = 0;
        for (int i = 0; i < occurrence; i++)
        {
            int at = body.AsSpan(from).IndexOf(needle);
            if (at < 0)
            {
                throw new ArgumentException($"'{marker}' occurs fewer than {occurrence} times", nameof(marker));
            }

            from += at + (i + 1 < occurrence ? needle.Length : 0);
        }

        return from + shift;
    }
}
