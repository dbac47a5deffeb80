using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using TinyAgent.Harness.Cli;
using TinyAgent.Harness.Tests.Recordings;

namespace TinyAgent.Harness.Tests.Commands;

/// <summary>Runs commands in-process through <see cref="HarnessCli.RunAsync"/> and reads what they wrote.</summary>
internal static partial class CommandKit
{
    public const string Key = "sk-ant-test-SECRET-0123456789";
    // Each step takes about a second alone; these tests run in parallel with one another (and, in CI, beside whole
    // suites), where one step was once seen past 30 s at load 9. The bound only has to catch a hang.
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    public static string Config => Path.Combine(RepoPaths.RepoRoot, "harness.json");

    public static async Task<(int Exit, string Out, string Err)> RunAsync(string workingDirectory, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = await HarnessCli.RunAsync(args, new CliContext(output, error, TimeProvider.System, workingDirectory)).WaitAsync(Bound);
        return (exit, output.ToString(), error.ToString());
    }

    /// <summary>A long-running command (serve, record) started with an interrupt the test controls.</summary>
    public static (Task<int> Exit, SignalWriter Out, StringWriter Err, CancellationTokenSource Interrupt) Start(string workingDirectory, params string[] args)
    {
        var output = new SignalWriter();
        var error = new StringWriter();
        var interrupt = new CancellationTokenSource();
        var context = new CliContext(output, TextWriter.Synchronized(error), TimeProvider.System, workingDirectory) { Interrupt = interrupt.Token };
        return (Task.Run(() => HarnessCli.RunAsync(args, context)), output, error, interrupt);
    }

    /// <summary>The first <c>http://127.0.0.1:PORT</c> in a line.</summary>
    public static Uri UrlIn(string line) => new(UrlPattern().Match(line) is { Success: true } m ? m.Value : throw new AssertionException($"no URL in '{line}'"));

    /// <summary>A bad-input failure: exit 2, one line on stderr, no stack trace.</summary>
    public static void AssertOneLineError((int Exit, string Out, string Err) result, string expectedFragment)
    {
        Assert.That(result.Exit, Is.EqualTo(ExitCodes.BadInput), result.Err + result.Out);
        string err = result.Err.TrimEnd('\r', '\n');
        Assert.That(err.Split('\n'), Has.Length.EqualTo(1), err);
        Assert.That(err, Does.StartWith("tinyagent-harness: "));
        Assert.That(err, Does.Contain(expectedFragment));
        Assert.That(err + result.Out, Does.Not.Contain("   at "));
    }

    /// <summary>
    /// A stopped server let go of its port itself, not left it to the process's exit: a connection is refused and a new
    /// listener can bind it, so serve can be restarted on the same <c>--port</c>.
    /// </summary>
    public static async Task AssertPortReleasedAsync(int port)
    {
        using (var probe = new TcpClient(AddressFamily.InterNetwork))
        {
            var refused = await Assert.ThrowsAsync<SocketException>(() => probe.ConnectAsync(IPAddress.Loopback, port).WaitAsync(Bound));
            Assert.That(refused?.SocketErrorCode, Is.EqualTo(SocketError.ConnectionRefused), $"port {port} after the stop");
        }

        using var again = new TcpListener(IPAddress.Loopback, port);
        Assert.That(() => again.Start(), Throws.Nothing, $"port {port} can be bound again");
        again.Stop();
    }

    public static HttpClient Client() => new(new SocketsHttpHandler()) { Timeout = Timeout.InfiniteTimeSpan };

    public static HttpRequestMessage Messages(Uri baseUrl)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(baseUrl.ToString().TrimEnd('/') + "/v1/messages"))
        {
            Content = new StringContent("{\"model\":\"claude-test\",\"max_tokens\":64,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-api-key", Key);
        request.Headers.Add("anthropic-version", "2023-06-01");
        request.Headers.Add("cookie", "session=" + Key);
        return request;
    }

    /// <summary>Sends one streaming request and reads the body to its end (or to the break).</summary>
    public static async Task<(int Status, byte[] Body)> ReadAllAsync(HttpClient http, Uri baseUrl)
    {
        using var request = Messages(baseUrl);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(Bound);
        using var body = new MemoryStream();
        try
        {
            await (await response.Content.ReadAsStreamAsync()).CopyToAsync(body).WaitAsync(Bound);
        }
        catch (IOException)
        {
            // a planned reset: keep what arrived
        }

        return ((int)response.StatusCode, body.ToArray());
    }

    [GeneratedRegex(@"http://[0-9.\[\]:]+")]
    private static partial Regex UrlPattern();
}

/// <summary>A thread-safe writer whose lines a test can wait for (no sleeps, no polling).</summary>
internal sealed class SignalWriter : TextWriter
{
    private readonly Lock _gate = new();
    private readonly StringBuilder _all = new();
    private readonly StringBuilder _line = new();
    private readonly List<string> _lines = [];
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Done)> _waiters = [];

    public override Encoding Encoding => Encoding.UTF8;

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_gate)
            {
                return [.. _lines];
            }
        }
    }

    public override void Write(char value)
    {
        lock (_gate)
        {
            _all.Append(value);
            if (value == '\n')
            {
                string line = _line.ToString().TrimEnd('\r');
                _line.Clear();
                _lines.Add(line);
                foreach (var waiter in _waiters.Where(w => w.Match(line)).ToList())
                {
                    _waiters.Remove(waiter);
                    waiter.Done.TrySetResult(line);
                }
            }
            else
            {
                _line.Append(value);
            }
        }
    }

    public override void Write(string? value)
    {
        foreach (char c in value ?? "")
        {
            Write(c);
        }
    }

    /// <summary>Completes with the first line (already written or still to come) that matches.</summary>
    public Task<string> WaitForLineAsync(Func<string, bool> match)
    {
        lock (_gate)
        {
            var existing = _lines.FirstOrDefault(match);
            if (existing is not null)
            {
                return Task.FromResult(existing);
            }

            var done = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((match, done));
            return done.Task.WaitAsync(CommandKit.Bound);
        }
    }

    public override string ToString()
    {
        lock (_gate)
        {
            return _all.ToString();
        }
    }
}
