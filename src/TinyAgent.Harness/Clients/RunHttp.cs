using TinyAgent.Harness.Model;
using System.Net.Sockets;

namespace TinyAgent.Harness.Clients;

/// <summary>
/// The HttpClient of one run: a <see cref="SocketsHttpHandler"/> (infinite timeout: the client's own timeouts or
/// the harness's deadline govern) behind a handler that records body reads.
/// One per run, not shared: runs never see each other's connections or reads, and disposing it closes every
/// socket the run opened, the way a process exit would, so a connection a client forgot stays open exactly as
/// long as its run lives and no longer.
/// </summary>
internal sealed class RunHttp : IDisposable
{
    private readonly List<Socket> _sockets = [];
    private readonly Lock _gate = new();

    private RunHttp(TimeProvider time, Func<HttpMessageHandler>? innerHandler)
    {
        StartedTimestamp = time.GetTimestamp();
        Recorder = new ReadRecorder(time, StartedTimestamp);
        var inner = innerHandler?.Invoke() ?? new SocketsHttpHandler { ConnectCallback = ConnectAsync };
        Client = new HttpClient(new ReadRecordingHandler(Recorder) { InnerHandler = inner }, disposeHandler: true)
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public HttpClient Client { get; }

    public ReadRecorder Recorder { get; }

    /// <summary>When the run started (<see cref="TimeProvider.GetTimestamp"/>); read times are offsets from it.</summary>
    public long StartedTimestamp { get; }

    /// <summary>What a client answered, with what this run's HTTP saw (its reads, first byte, end): the one place a built-in client's result is put together.</summary>
    public ClientResult Result(
        ClientOutcome outcome,
        ClientError? error,
        string text,
        IReadOnlyDictionary<int, string> blockTexts,
        IReadOnlyDictionary<int, string> toolInputs,
        string? stopReason,
        TimeSpan? firstTextAt) => new()
        {
            Outcome = outcome,
            Text = text,
            BlockTexts = blockTexts,
            ToolInputs = toolInputs,
            StopReason = stopReason,
            Error = error,
            Reads = Recorder.Reads,
            FirstByteAt = Recorder.FirstByteAt,
            FirstTextAt = firstTextAt,
            EndedAt = Recorder.Now,
            StartedTimestamp = StartedTimestamp,
        };

    /// <param name="innerHandler">Replaces the sockets handler (tests deliver scripted reads through it).</param>
    public static RunHttp Create(TimeProvider time, Func<HttpMessageHandler>? innerHandler = null) => new(time, innerHandler);

    public void Dispose()
    {
        Client.Dispose();
        lock (_gate)
        {
            // An undisposed response keeps its connection out of the pool, where HttpClient.Dispose cannot reach it.
            foreach (var socket in _sockets)
            {
                socket.Dispose();
            }

            _sockets.Clear();
        }
    }

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        lock (_gate)
        {
            _sockets.Add(socket);
        }

        return new NetworkStream(socket, ownsSocket: true);
    }
}
