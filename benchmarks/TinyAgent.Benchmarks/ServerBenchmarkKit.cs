using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using TinyAgent.Harness.Formats;
using TinyAgent.Harness.Plan;
using TinyAgent.Harness.Recordings;

namespace TinyAgent.Benchmarks;

/// <summary>The recording, plans, load loop and the plain Kestrel baseline shared by the server benchmarks.</summary>
internal static class ServerBenchmarkKit
{
    private const string RequestJson = "{\"model\":\"claude-bench\",\"max_tokens\":256,\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";

    /// <summary>A 50-frame text stream of about 8 KB: start, block start, 45 deltas, block stop, message delta, stop.</summary>
    public static byte[] Recording()
    {
        var sb = new StringBuilder();
        sb.Append("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_bench\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-bench\",\"content\":[],\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":12,\"output_tokens\":1}}}\n\n");
        sb.Append("event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n");
        for (int i = 0; i < 45; i++)
        {
            sb.Append("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"")
                .Append($"Token {i:D2} of the benchmark stream, with a little padding ü 🌍 text")
                .Append("\"}}\n\n");
        }

        sb.Append("event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n");
        sb.Append("event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":45}}\n\n");
        sb.Append("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    /// <summary>
    /// The same 50-frame answer in another format (the same 45 delta texts): Chat Completions chunks (role chunk, deltas,
    /// finish chunk, usage chunk, <c>[DONE]</c>) or Responses events (numbered, with the closing events).
    /// </summary>
    public static byte[] Recording(IWireFormat format)
    {
        if (format == WireFormats.Anthropic)
        {
            return Recording();
        }

        var sb = new StringBuilder();
        string Delta(int i) => $"Token {i:D2} of the benchmark stream, with a little padding ü 🌍 text";
        if (format == WireFormats.OpenAIChat)
        {
            const string head = "{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1750000000,\"model\":\"gpt-bench\",\"choices\":[";
            sb.Append("data: ").Append(head).Append("{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n");
            for (int i = 0; i < 46; i++)
            {
                sb.Append("data: ").Append(head).Append("{\"index\":0,\"delta\":{\"content\":\"").Append(Delta(i)).Append("\"},\"finish_reason\":null}]}\n\n");
            }

            sb.Append("data: ").Append(head).Append("{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n");
            sb.Append("data: ").Append(head).Append("],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":46,\"total_tokens\":58}}\n\n");
            sb.Append("data: [DONE]\n\n");
            return Encoding.UTF8.GetBytes(sb.ToString());
        }

        int seq = 0;
        void Event(string type, string json) => sb.Append("event: ").Append(type).Append("\ndata: {\"type\":\"").Append(type).Append("\",\"sequence_number\":").Append(seq++).Append(json).Append("}\n\n");
        const string response = "\"response\":{\"id\":\"resp_bench\",\"object\":\"response\",\"model\":\"gpt-bench\",\"output\":[]";
        Event("response.created", "," + response + ",\"status\":\"in_progress\"}");
        Event("response.output_item.added", ",\"output_index\":0,\"item\":{\"id\":\"msg_bench\",\"type\":\"message\",\"status\":\"in_progress\",\"role\":\"assistant\",\"content\":[]}");
        Event("response.content_part.added", ",\"item_id\":\"msg_bench\",\"output_index\":0,\"content_index\":0,\"part\":{\"type\":\"output_text\",\"text\":\"\",\"annotations\":[]}");
        var text = new StringBuilder();
        for (int i = 0; i < 44; i++)
        {
            text.Append(Delta(i));
            Event("response.output_text.delta", $",\"item_id\":\"msg_bench\",\"output_index\":0,\"content_index\":0,\"delta\":\"{Delta(i)}\"");
        }

        Event("response.output_text.done", $",\"item_id\":\"msg_bench\",\"output_index\":0,\"content_index\":0,\"text\":\"{text}\"");
        Event("response.content_part.done", ",\"item_id\":\"msg_bench\",\"output_index\":0,\"content_index\":0,\"part\":{\"type\":\"output_text\",\"text\":\"\",\"annotations\":[]}");
        Event("response.output_item.done", ",\"output_index\":0,\"item\":{\"id\":\"msg_bench\",\"type\":\"message\",\"status\":\"completed\",\"role\":\"assistant\",\"content\":[]}");
        Event("response.completed", "," + response + ",\"status\":\"completed\",\"usage\":{\"input_tokens\":12,\"output_tokens\":44,\"total_tokens\":56}}");
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    public static ReplayPlan Plan(byte[] body, Action<PlanBuilder> configure)
    {
        var builder = new PlanBuilder(new Recording("bench", "bench.sse", body, RecordingMeta.Default), attempt: 1, seed: 1);
        configure(builder);
        return builder.Build([]);
    }

    public static void PerFrame(PlanBuilder builder)
    {
        foreach (int end in builder.Layout.FrameEnds)
        {
            builder.AddCut(end);
        }
    }

    public static HttpClient Client() => new(new SocketsHttpHandler { MaxConnectionsPerServer = 1024, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    /// <summary>A streaming request in <paramref name="format"/>, as its SDKs send it (the format's own probe request).</summary>
    public static HttpRequestMessage Request(Uri url, IWireFormat format)
    {
        if (format == WireFormats.Anthropic)
        {
            return Request(url);
        }

        var probe = format.Probe("bench-key", "gpt-bench", "hi");
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(probe.Body, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in probe.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        return request;
    }

    public static HttpRequestMessage Request(Uri messagesUrl)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, messagesUrl) { Content = new StringContent(RequestJson, Encoding.UTF8, "application/json") };
        request.Headers.Add("x-api-key", "bench-key");
        request.Headers.Add("anthropic-version", "2023-06-01");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        return request;
    }

    /// <summary>Streams as fast as possible from <paramref name="concurrency"/> workers for <paramref name="duration"/> (and at most <paramref name="maxStreams"/>); returns streams/s.</summary>
    public static async Task<double> StreamsPerSecondAsync(HttpClient client, Uri messagesUrl, int concurrency, int expectedBytes, TimeSpan duration, int maxStreams, IWireFormat? format = null)
    {
        int started = 0;
        int completed = 0;
        int failed = 0;
        var clock = Stopwatch.StartNew();
        async Task WorkerAsync()
        {
            var buffer = new byte[16 * 1024];
            while (clock.Elapsed < duration && Interlocked.Increment(ref started) <= maxStreams)
            {
                using var request = Request(messagesUrl, format ?? WireFormats.Anthropic);
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).ConfigureAwait(false);
                await using var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false);
                int total = 0;
                int n;
                while ((n = await stream.ReadAsync(buffer).ConfigureAwait(false)) > 0)
                {
                    total += n;
                }

                Interlocked.Increment(ref response.StatusCode != HttpStatusCode.OK || total != expectedBytes ? ref failed : ref completed);
            }
        }

        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(WorkerAsync))).ConfigureAwait(false);
        double seconds = clock.Elapsed.TotalSeconds;
        if (failed > 0)
        {
            throw new InvalidOperationException($"{failed} streams failed or were short.");
        }

        return completed / seconds;
    }

    /// <summary>The baseline: a plain Kestrel endpoint writing the same chunks, one write-and-flush each (optionally reading the request body first), nothing else.</summary>
    public static async Task<WebApplication> StartKestrelAsync(ReplayPlan plan, bool readBody)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Run(async context =>
        {
            if (readBody)
            {
                // Like any Messages endpoint, wait for the request body before answering.
                await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted);
            }

            context.Response.StatusCode = 200;
            context.Response.ContentType = "text/event-stream; charset=utf-8";
            context.Response.Headers.CacheControl = "no-cache";
            foreach (var chunk in plan.Chunks)
            {
                await context.Response.BodyWriter.WriteAsync(chunk.Data, context.RequestAborted);
            }
        });
        await app.StartAsync().ConfigureAwait(false);
        return app;
    }
}
