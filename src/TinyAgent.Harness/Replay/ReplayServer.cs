// One file over 300 lines on purpose: starting, routing a request, replaying its plan and recording its evidence all
// share the per-scenario attempt counters, the evidence store and the request log; the byte-level replay is already in
// PlanReplayer, request checks in RequestValidator, evidence in EvidenceStore.

using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using TinyAgent.Harness.Hosting;
using TinyAgent.Harness.Formats;
using TinyAgent.Harness.Model;
using TinyAgent.Harness.Plan;
using TinyAgent.Harness.Recordings;
using WireMock.Logging;
using WireMock.Server;
using WireMock.Settings;

namespace TinyAgent.Harness.Replay;

/// <summary>
/// The mock Messages endpoint. WireMock.Net hosts it; the Messages routes are answered by a middleware placed
/// before WireMock's own pipeline, which writes each planned chunk itself (WireMock's response builders cannot
/// flush per chunk, see a disconnect, or keep up: its matching and request log cost 25-50% of throughput).
/// Routes, for each format's path (<c>/v1/messages</c>, <c>/v1/chat/completions</c>, <c>/v1/responses</c>):
/// <c>POST /s/{scenario}{path}</c>, and <c>POST {path}</c> for <see cref="ReplayServerOptions.DefaultScenario"/>.
/// </summary>
internal sealed class ReplayServer : IAsyncDisposable
{
    private const string ScenarioPrefix = "/s/";

    /// <summary>The request log's error type for a client that left before its answer: the ending's own name.</summary>
    private static readonly string ClientGone = ServerEnding.ClientGone.ToName();

    private readonly ReplayServerOptions _options;
    private readonly IScenarioSource _scenarios;
    private readonly TimeProvider _time;
    private readonly RequestValidator _validator;
    private readonly PlanReplayer _replayer;
    private readonly HeaderRedactor _redactor;
    private readonly RequestLog _log;
    private readonly EvidenceStore _evidence;
    private readonly ConcurrentDictionary<string, StrongBox<int>> _attempts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, StrongBox<long>> _lastPlannedWrite = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _arrivals = new(StringComparer.Ordinal);
    private WireMockServer? _host;
    private long _requestCount;

    private ReplayServer(ReplayServerOptions options, IScenarioSource scenarios, TimeProvider time)
    {
        _options = options;
        _scenarios = scenarios;
        _time = time;
        _validator = new RequestValidator(options);
        _replayer = new PlanReplayer(options, time);
        _redactor = new HeaderRedactor(options.RedactHeaders);
        _log = new RequestLog(options.RequestLogLimit);
        _evidence = new EvidenceStore(Math.Max(1, options.EvidenceLimitPerScenario));
    }

    /// <summary>Base address, e.g. <c>http://127.0.0.1:PORT</c> (no trailing slash).</summary>
    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Raised when a request to a scenario has finished (completed, reset, abandoned, or the client left).</summary>
    public event Action<ServerEvidence>? RequestCompleted
    {
        add => _evidence.Completed += value;
        remove => _evidence.Completed -= value;
    }

    /// <summary>
    /// Waits on the completion signal of every request made to <paramref name="scenario"/> so far, each for at most
    /// <paramref name="boundEach"/>; a request still open then is returned as it stands.
    /// </summary>
    public async Task<IReadOnlyList<ServerEvidence>> CollectEvidenceAsync(string scenario, TimeSpan boundEach, CancellationToken cancellationToken)
    {
        int attempts = AttemptsOf(scenario);
        var evidence = new List<ServerEvidence>(attempts);
        for (int attempt = 1; attempt <= attempts; attempt++)
        {
            using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bound.CancelAfter(boundEach);
            try
            {
                evidence.Add(await WaitForCompletionAsync(scenario, attempt, bound.Token).ConfigureAwait(false));
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                if (EvidenceFor(scenario).FirstOrDefault(e => e.Attempt == attempt) is { } partial)
                {
                    evidence.Add(partial);
                }
            }
        }

        return evidence;
    }

    /// <summary>Raised when a request was answered with an API error before any plan (no key, bad JSON, unknown path).</summary>
    public event Action<RequestLogEntry>? RequestRejected;

    /// <summary>Starts a server. Throws <see cref="HarnessInputException"/> (one-line message) if the address cannot be bound.</summary>
    public static async Task<ReplayServer> StartAsync(ReplayServerOptions options, IScenarioSource scenarios, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        var address = ListenAddress.Parse("Server", options.Host, options.Port);

        if (!IPAddress.IsLoopback(address))
        {
            await options.Warnings.WriteLineAsync($"warning: the replay server listens on {options.Host}, reachable from other machines; it serves recordings to anyone who connects.").ConfigureAwait(false);
        }

        var server = new ReplayServer(options, scenarios, time);
        string host = address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
        int port = options.Port == 0 ? FreePort(address) : options.Port;
        var settings = new WireMockServerSettings
        {
            Urls = [$"http://{host}:{port}"],
            StartAdminInterface = false,
            ReadStaticMappings = false,
            WatchStaticMappings = false,
            MaxRequestLogCount = 1,
            Logger = new WireMockNullLogger(),
            PreWireMockMiddlewareInit = app => ((IApplicationBuilder)app).Use(_ => server.HandleAsync),
        };

        try
        {
            server._host = await Task.Run(() => WireMockServer.Start(settings), ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            throw ListenAddress.BindFailed(e, "replay server", options.Host, host, port);
        }

        server.BaseUrl = new Uri($"http://{host}:{port}");
        return server;
    }

    /// <summary>The base URL a client uses for one scenario: it POSTs to <c>{ScenarioUrl}/v1/messages</c> (or its format's path).</summary>
    public Uri ScenarioUrl(string scenario) => new($"{BaseUrl}s/{Uri.EscapeDataString(scenario)}");

    /// <summary>Evidence of the finished requests to a scenario, by attempt (bounded by <see cref="ReplayServerOptions.EvidenceLimitPerScenario"/>).</summary>
    public IReadOnlyList<ServerEvidence> EvidenceFor(string scenario) => _evidence.For(scenario);

    /// <summary>Completes when the <paramref name="attempt"/>-th request to <paramref name="scenario"/> has finished.</summary>
    public Task<ServerEvidence> WaitForCompletionAsync(string scenario, int attempt, CancellationToken ct) => _evidence.WaitAsync(scenario, attempt, ct);

    /// <summary>The request log, newest last, with secret headers redacted.</summary>
    public IReadOnlyList<RequestLogEntry> RequestLog => _log.Snapshot();

    /// <summary>Requests counted so far for a scenario (the next one is attempt <c>count + 1</c>).</summary>
    public int AttemptsOf(string scenario) => _attempts.TryGetValue(scenario, out var box) ? Volatile.Read(ref box.Value) : 0;

    /// <summary>
    /// Clock reading (<see cref="TimeProvider.GetTimestamp"/>) of the scenario's latest planned write, or of its latest
    /// request's arrival when that came later; null before any request. Keepalives during a stall do not count:
    /// a run is overdue a grace period after this, never while the server is still sending.
    /// </summary>
    public long? LastPlannedWrite(string scenario) =>
        _lastPlannedWrite.TryGetValue(scenario, out var box) ? Interlocked.Read(ref box.Value) : null;

    /// <summary>
    /// Completes when the first request for <paramref name="scenario"/> arrives (valid or not): its client has started.
    /// Call it before the client starts; <see cref="ForgetArrival"/> when the run is over.
    /// </summary>
    public Task ArrivalOf(string scenario) =>
        _arrivals.GetOrAdd(scenario, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void ForgetArrival(string scenario) => _arrivals.TryRemove(scenario, out _);

    /// <summary>Forgets a scenario's attempts and evidence, so the next request is attempt 1 again.</summary>
    public void Reset(string scenario)
    {
        _attempts.TryRemove(scenario, out _);
        _lastPlannedWrite.TryRemove(scenario, out _);
        _evidence.Clear(scenario);
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is { } host)
        {
            _host = null;
            await Task.Run(host.Stop).ConfigureAwait(false);
            host.Dispose();
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        long started = _time.GetTimestamp();
        string requestId = $"req_{Interlocked.Increment(ref _requestCount):D12}";
        var request = context.Request;
        string? scenario = null;
        int attempt = 0;
        string? errorType = null;
        IWireFormat format = WireFormats.Anthropic;
        try
        {
            var error = Route(request, out scenario, out format);
            if (scenario is not null && _arrivals.TryGetValue(scenario, out var arrived))
            {
                arrived.TrySetResult();
            }

            context.Response.Headers[format.RequestIdHeader] = requestId;
            error ??= format.CheckHeaders(request);
            MessagesRequest parsed = default;
            if (error is null)
            {
                (parsed, error) = await _validator.ReadBodyAsync(request, format, context.RequestAborted).ConfigureAwait(false);
            }

            if (error is null)
            {
                var counter = _attempts.GetOrAdd(scenario!, static _ => new StrongBox<int>());
                attempt = Interlocked.Increment(ref counter.Value);
                if (!_scenarios.TryGetPlan(scenario!, attempt, format, out var plan))
                {
                    error = ApiError.NotFound($"Scenario '{scenario}' has no plan for attempt {attempt}.");
                }
                else if (plan.Format != format)
                {
                    Interlocked.Decrement(ref counter.Value); // not an attempt at this scenario: it speaks another format
                    attempt = 0;
                    error = ApiError.NotFound($"Scenario '{scenario}' replays {plan.Format.Name} streams: POST {ScenarioPrefix}{scenario}{plan.Format.Path}.");
                }
                else
                {
                    await ReplayAsync(context, plan, parsed, scenario!, attempt, requestId, started).ConfigureAwait(false);
                    return;
                }
            }

            errorType = error.Type;
            await WriteErrorAsync(context, format, error, requestId).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            errorType = ClientGone; // the client left before the request was answered
        }
        finally
        {
            var entry = new RequestLogEntry(requestId, request.Method, request.Path.Value ?? "", _redactor.Redact(request.Headers), context.Response.StatusCode, errorType, scenario, attempt);
            _log.Add(entry);
            if (errorType is not null && errorType != ClientGone)
            {
                RequestRejected?.Invoke(entry);
            }
        }
    }

    /// <summary>
    /// Finds the scenario and the format from the path: <c>{format.Path}</c> for the default scenario, or
    /// <c>/s/{scenario}{format.Path}</c>, for every format in <see cref="WireFormats.All"/>.
    /// </summary>
    private ApiError? Route(HttpRequest request, out string? scenario, out IWireFormat format)
    {
        string path = request.Path.Value ?? "";
        scenario = null;
        format = WireFormats.All.FirstOrDefault(f => path.EndsWith(f.Path, StringComparison.Ordinal)) ?? WireFormats.Anthropic;
        string routes = string.Join(" or ", WireFormats.All.Select(f => $"{ScenarioPrefix}{{scenario}}{f.Path}"));
        if (path == format.Path)
        {
            scenario = _options.DefaultScenario;
            if (scenario is null)
            {
                return ApiError.NotFound($"No default scenario: POST {ScenarioPrefix}{{scenario}}{format.Path}.");
            }
        }
        else if (path.StartsWith(ScenarioPrefix, StringComparison.Ordinal) && path.EndsWith(format.Path, StringComparison.Ordinal)
            && path.Length > ScenarioPrefix.Length + format.Path.Length
            && path.IndexOf('/', ScenarioPrefix.Length) == path.Length - format.Path.Length)
        {
            scenario = path[ScenarioPrefix.Length..^format.Path.Length];
        }
        else
        {
            return ApiError.NotFound($"Unknown path '{path}': POST {routes}.");
        }

        if (!HttpMethods.IsPost(request.Method))
        {
            return ApiError.MethodNotAllowed($"Method {request.Method} is not allowed on {path}; use POST.");
        }

        return _scenarios.Contains(scenario) ? null : ApiError.NotFound($"Unknown scenario '{scenario}'.");
    }

    private async Task ReplayAsync(HttpContext context, ReplayPlan plan, MessagesRequest parsed, string scenario, int attempt, string requestId, long started)
    {
        var lastWrite = _lastPlannedWrite.GetOrAdd(scenario, static _ => new StrongBox<long>());
        using var clock = new ArrivalClock(_time, started, context.RequestAborted, lastWrite);
        IReadOnlyList<SentChunk> sent;
        ServerEnding ending;
        int status = plan.Status;
        if (parsed.Stream || !plan.IsStream)
        {
            (sent, ending) = await _replayer.ReplayAsync(context, plan, clock).ConfigureAwait(false);
        }
        else
        {
            (sent, ending, status) = await ReplyWholeAsync(context, plan, scenario, requestId, clock).ConfigureAwait(false);
        }

        if (ending == ServerEnding.ClientGone)
        {
            // A failed write can tell us the client left before RequestAborted's callback has run: that is the moment we learned it.
            clock.MarkDisconnected();
        }

        _evidence.Add(new ServerEvidence
        {
            RequestId = requestId,
            Scenario = scenario,
            Attempt = attempt,
            Status = status,
            StartedTimestamp = started,
            Sent = sent,
            ClientDisconnectedAt = clock.DisconnectedAt,
            EndedAt = clock.Now,
            Ending = ending,
            FrameEnds = parsed.Stream ? plan.FrameEnds : [],
            Plan = plan.Summary,
        });
    }

    /// <summary><c>"stream": false</c>: the whole message at once, after the plan's total delay (so time to first token compares fairly).</summary>
    private async Task<(IReadOnlyList<SentChunk>, ServerEnding, int)> ReplyWholeAsync(HttpContext context, ReplayPlan plan, string scenario, string requestId, ArrivalClock clock)
    {
        var ct = context.RequestAborted;
        var assembled = plan.Format.Assemble(_scenarios.MessageSourceFor(scenario, plan));
        var total = plan.Chunks.Aggregate(TimeSpan.Zero, (sum, c) => sum + c.DelayBefore);
        try
        {
            if (total > TimeSpan.Zero)
            {
                await Task.Delay(total, _time, ct).ConfigureAwait(false);
            }

            if (assembled.Error is { } error)
            {
                int size = await WriteErrorAsync(context, plan.Format, error, requestId).ConfigureAwait(false);
                return ([new SentChunk(0, size, clock.Now)], ServerEnding.Complete, error.Status);
            }

            byte[] json = assembled.Json!;
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "application/json";
            context.Response.ContentLength = json.Length;
            await context.Response.Body.WriteAsync(json, ct).ConfigureAwait(false);
            return ([new SentChunk(0, json.Length, clock.Now)], ServerEnding.Complete, StatusCodes.Status200OK);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            return ([], ServerEnding.ClientGone, StatusCodes.Status200OK);
        }
    }

    private static async Task<int> WriteErrorAsync(HttpContext context, IWireFormat format, ApiError error, string requestId)
    {
        byte[] json = format.ErrorBody(error, requestId);
        var response = context.Response;
        response.StatusCode = error.Status;
        response.ContentType = "application/json";
        response.ContentLength = json.Length;
        if (error.Status == StatusCodes.Status405MethodNotAllowed)
        {
            response.Headers.Allow = "POST";
        }

        await response.Body.WriteAsync(json, context.RequestAborted).ConfigureAwait(false);
        return json.Length;
    }

    private static int FreePort(IPAddress address)
    {
        using var probe = new TcpListener(address, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
