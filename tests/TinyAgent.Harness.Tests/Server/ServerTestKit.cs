using System.Net.Http.Headers;
using System.Text;
using TinyAgent.Harness.Plan;
using TinyAgent.Harness.Recordings;
using TinyAgent.Harness.Replay;

namespace TinyAgent.Harness.Tests.Server;

/// <summary>Bodies, plans, a real HttpClient and a read recorder for the server tests.</summary>
internal static class ServerTestKit
{
    public const string Key = "sk-ant-test-SECRET-0123456789";
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    /// <summary>A well-formed text stream with <paramref name="deltas"/> text deltas (frames = deltas + 5).</summary>
    public static byte[] TextStream(int deltas, string piece = "Hello, wörld 🌍 ")
    {
        var sb = new StringBuilder();
        sb.Append("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_01\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-test\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":12,\"output_tokens\":1}}}\n\n");
        sb.Append("event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n");
        for (int i = 0; i < deltas; i++)
        {
            sb.Append("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"").Append(piece).Append(i).Append("\"}}\n\n");
        }

        sb.Append("event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n");
        sb.Append("event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":42}}\n\n");
        sb.Append("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    public static ReplayPlan PlanOf(byte[] body, Action<PlanBuilder>? configure = null)
    {
        var builder = new PlanBuilder(new Recording("test", "test.sse", body, RecordingMeta.Default), attempt: 1, seed: 1);
        configure?.Invoke(builder);
        return builder.Build([]);
    }

    /// <summary>One chunk per frame (what a recording without a timeline gets).</summary>
    public static void PerFrame(PlanBuilder builder)
    {
        foreach (int end in builder.Layout.FrameEnds)
        {
            builder.AddCut(end);
        }
    }

    public static Task<ReplayServer> StartAsync(IScenarioSource source, ReplayServerOptions? options = null) =>
        ReplayServer.StartAsync(options ?? new ReplayServerOptions(), source, TimeProvider.System, CancellationToken.None).WaitAsync(Bound);

    public static HttpClient Client() => new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1) }) { Timeout = Timeout.InfiniteTimeSpan };

    public static HttpRequestMessage Messages(Uri scenarioUrl, bool stream = true, string? body = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(scenarioUrl.ToString().TrimEnd('/') + "/v1/messages"))
        {
            Content = new StringContent(body ?? $"{{\"model\":\"claude-test\",\"max_tokens\":64,\"stream\":{(stream ? "true" : "false")},\"messages\":[{{\"role\":\"user\",\"content\":\"hi\"}}]}}", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-api-key", Key);
        request.Headers.Add("anthropic-version", "2023-06-01");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        return request;
    }

    public static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpRequestMessage request, CancellationToken ct = default) =>
        await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).WaitAsync(Bound);

    /// <summary>Reads the body into a large buffer, recording each read's size, until end of stream or an error.</summary>
    public static async Task<ClientReads> ReadAllAsync(HttpResponseMessage response, CancellationToken ct = default)
    {
        var reads = new List<int>();
        var data = new MemoryStream();
        var buffer = new byte[256 * 1024];
        await using var stream = await response.Content.ReadAsStreamAsync(ct).WaitAsync(Bound);
        try
        {
            while (true)
            {
                int n = await stream.ReadAsync(buffer, ct).AsTask().WaitAsync(Bound);
                if (n == 0)
                {
                    return new ClientReads(reads, data.ToArray(), null);
                }

                reads.Add(n);
                data.Write(buffer, 0, n);
            }
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            return new ClientReads(reads, data.ToArray(), e);
        }
    }
}

internal sealed record ClientReads(IReadOnlyList<int> Sizes, byte[] Data, Exception? Error)
{
    /// <summary>Offsets where one read ended and the next began.</summary>
    public IReadOnlySet<int> Boundaries
    {
        get
        {
            var set = new HashSet<int>();
            int offset = 0;
            foreach (int size in Sizes)
            {
                offset += size;
                set.Add(offset);
            }

            return set;
        }
    }
}
