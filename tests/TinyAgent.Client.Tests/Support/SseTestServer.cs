using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using WireMock.Server;
using WireMock.Settings;

namespace TinyAgent.Client.Tests.Support;

/// <summary>How a planned response ends after its chunks.</summary>
internal enum PlanEnd { Complete, Reset, Stall }

/// <summary>One planned response: status, headers, body chunks written and flushed one by one.</summary>
internal sealed record ServerPlan
{
    public int Status { get; init; } = 200;
    public string? ContentType { get; init; } = "text/event-stream; charset=utf-8";
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();
    public IReadOnlyList<byte[]> Chunks { get; init; } = [];
    public TimeSpan DelayBetweenChunks { get; init; }
    public PlanEnd End { get; init; } = PlanEnd.Complete;

    /// <summary>Awaited after the chunks and before the end, so a test can end the stream once the client has read.</summary>
    public Task? BeforeEnd { get; init; }

    public static ServerPlan Sse(string body, int chunkCount = 1, TimeSpan delay = default, PlanEnd end = PlanEnd.Complete) =>
        new() { Chunks = Deliveries.Even(Encoding.UTF8.GetBytes(body), chunkCount), DelayBetweenChunks = delay, End = end };

    public static ServerPlan Error(int status, string errorType, IReadOnlyDictionary<string, string>? headers = null) => new()
    {
        Status = status,
        ContentType = "application/json",
        Headers = headers ?? new Dictionary<string, string>(),
        Chunks = [Encoding.UTF8.GetBytes($$"""{"type":"error","error":{"type":"{{errorType}}","message":"planned {{status}}"},"request_id":"req_body"}""")],
    };
}

/// <summary>What the server saw of one request, with its own disconnect signal.</summary>
internal sealed class ServerRequest
{
    public TaskCompletionSource<long> Aborted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public TaskCompletionSource Finished { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    public int ChunksWritten;
    public string Body { get; set; } = "";
    public Dictionary<string, string> Headers { get; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>
/// A WireMock.Net server with a middleware in front of WireMock's own that serves <c>/v1/messages</c> from queued
/// plans, writing and flushing each chunk itself (WireMock's SSE body cannot reset, stall or see a disconnect).
/// </summary>
internal sealed class SseTestServer : IDisposable
{
    private readonly ConcurrentQueue<ServerPlan> _plans = new();
    private readonly ConcurrentQueue<ServerRequest> _requests = new();
    private readonly WireMockServer _server;

    public SseTestServer()
    {
        var port = FreePort();
        _server = WireMockServer.Start(new WireMockServerSettings
        {
            Urls = [$"http://127.0.0.1:{port}"],
            PreWireMockMiddlewareInit = app => ((IApplicationBuilder)app).Use(HandleAsync),
        });
        BaseUrl = new Uri($"http://127.0.0.1:{port}/");
    }

    public Uri BaseUrl { get; }

    public IReadOnlyList<ServerRequest> Requests => [.. _requests];

    public void Enqueue(params ServerPlan[] plans)
    {
        foreach (var plan in plans)
            _plans.Enqueue(plan);
    }

    private async Task HandleAsync(HttpContext context, Func<Task> next)
    {
        if (context.Request.Path != "/v1/messages")
        {
            await next();
            return;
        }
        var record = new ServerRequest();
        foreach (var (name, value) in context.Request.Headers)
            record.Headers[name] = value.ToString();
        _requests.Enqueue(record);
        context.RequestAborted.Register(() => record.Aborted.TrySetResult(Stopwatch.GetTimestamp()));
        try
        {
            using (var reader = new StreamReader(context.Request.Body))
                record.Body = await reader.ReadToEndAsync(context.RequestAborted);
            if (!_plans.TryDequeue(out var plan))
            {
                context.Response.StatusCode = 500;
                return;
            }
            context.Response.StatusCode = plan.Status;
            if (plan.ContentType is { } type)
                context.Response.ContentType = type;
            context.Response.Headers["request-id"] = $"req_test_{_requests.Count}";
            context.Response.Headers.CacheControl = "no-cache";
            foreach (var (name, value) in plan.Headers)
                context.Response.Headers[name] = value;
            await context.Response.StartAsync(context.RequestAborted);
            for (var i = 0; i < plan.Chunks.Count; i++)
            {
                if (i > 0 && plan.DelayBetweenChunks > TimeSpan.Zero)
                    await Task.Delay(plan.DelayBetweenChunks, context.RequestAborted);
                await context.Response.Body.WriteAsync(plan.Chunks[i], context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                Interlocked.Increment(ref record.ChunksWritten);
            }
            if (plan.BeforeEnd is { } gate)
                await gate.WaitAsync(context.RequestAborted);
            switch (plan.End)
            {
                case PlanEnd.Reset:
                    context.Abort();
                    break;
                case PlanEnd.Stall:
                    await Task.Delay(Timeout.InfiniteTimeSpan, context.RequestAborted);
                    break;
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client left; Aborted already fired.
        }
        finally
        {
            record.Finished.TrySetResult();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose() => _server.Stop();
}
