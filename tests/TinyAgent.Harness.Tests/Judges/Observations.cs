using System.Text;
using TinyAgent.Harness.Formats;
using TinyAgent.Harness.Model;
using TinyAgent.Harness.Plan;
using TinyAgent.Harness.Recordings;

namespace TinyAgent.Harness.Tests.Judges;

/// <summary>Hand-made observations: a small stream, its plan, and what the server saw, one frame per 10 ms.</summary>
internal static class Observations
{
    /// <summary>One tick per 100 ns, so timestamps convert to TimeSpan directly.</summary>
    public const long Frequency = TimeSpan.TicksPerSecond;

    public const long ServerStart = 1_000_000_000;

    public static readonly string[] Deltas = ["Hello", ", wor", "ld", "!", " Bye", "."];

    public static byte[] Body(string stopReason = "end_turn", bool withStop = true, string? errorType = null, bool withTool = false)
    {
        var sb = new StringBuilder();
        void Frame(string type, string json) => sb.Append("event: ").Append(type).Append("\ndata: ").Append(json).Append("\n\n");
        Frame("message_start", """{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","content":[]}}""");
        Frame("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}""");
        foreach (string d in Deltas)
        {
            Frame("content_block_delta", $$$"""{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"{{{d}}}"}}""");
        }

        Frame("content_block_stop", """{"type":"content_block_stop","index":0}""");
        if (withTool)
        {
            Frame("content_block_start", """{"type":"content_block_start","index":1,"content_block":{"type":"tool_use","id":"toolu_1","name":"get","input":{}}}""");
            Frame("content_block_delta", """{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"{\"city\": \"Par"}}""");
            Frame("content_block_delta", """{"type":"content_block_delta","index":1,"delta":{"type":"input_json_delta","partial_json":"is\", \"n\": 1}"}}""");
            Frame("content_block_stop", """{"type":"content_block_stop","index":1}""");
        }

        if (errorType is not null)
        {
            Frame("error", $$$"""{"type":"error","error":{"type":"{{{errorType}}}","message":"Overloaded"}}""");
            return Encoding.UTF8.GetBytes(sb.ToString());
        }

        Frame("message_delta", $$$"""{"type":"message_delta","delta":{"stop_reason":"{{{stopReason}}}","stop_sequence":null},"usage":{"output_tokens":9}}""");
        if (withStop)
        {
            Frame("message_stop", """{"type":"message_stop"}""");
        }

        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    public static readonly string FullText = string.Concat(Deltas);

    public static RunTimeouts Timeouts { get; } = new(
        TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10));

    /// <summary>The server's evidence: frame i written at i * 10 ms, the first <paramref name="framesSent"/> frames only.</summary>
    public static ServerEvidence Server(byte[] body, TimeSpan? disconnectedAt = null, ServerEnding ending = ServerEnding.Complete, int framesSent = int.MaxValue)
    {
        var layout = SseLayout.Parse(body);
        var sent = new List<SentChunk>();
        int start = 0;
        foreach (var (frame, i) in layout.Frames.Select((f, i) => (f, i)).Take(framesSent))
        {
            sent.Add(new SentChunk(start, frame.End - start, TimeSpan.FromMilliseconds(i * 10)));
            start = frame.End;
        }

        return new ServerEvidence
        {
            RequestId = "req_1",
            Scenario = "test",
            Attempt = 1,
            Status = 200,
            StartedTimestamp = ServerStart,
            Sent = sent,
            ClientDisconnectedAt = disconnectedAt,
            EndedAt = disconnectedAt ?? sent[^1].At,
            Ending = disconnectedAt is null ? ending : ServerEnding.ClientGone,
            FrameEnds = [.. layout.FrameEnds],
        };
    }

    public static RunObservation Make(
        ClientResult result,
        PlanFacts? facts = null,
        byte[]? body = null,
        StreamEnd end = StreamEnd.Complete,
        ConsumerModel? consumer = null,
        ServerEvidence? server = null,
        string runId = "run-1",
        ControlRun? control = null)
    {
        body ??= Body();

        // The planner's own summary of the body sent whole, with the facts and ending the test says the faults made.
        var plan = FaultPlanner.Plan(new Recording("rec", "rec.sse", body, RecordingMeta.Default), [], 1, 1).Summary with
        {
            Facts = facts ?? new PlanFacts(),
            End = end,

            // As if every cut were gapped: the reads of a hand-made result are unknown, like an exec client's.
            GappedCutsInsideFrames = facts?.CutsInsideFrames ?? 0,
        };
        return new RunObservation
        {
            RunId = runId,
            Client = "client",
            Recording = "rec.sse",
            Scenario = "test",
            Faults = [],
            Consumer = consumer ?? ConsumerModel.ReadAll,
            Timeouts = Timeouts,
            RecordingExpected = ReferenceReader.Read(Body()),
            Plan = plan,
            Result = result,
            Server = [server ?? Server(body)],
            Control = control,
            TimestampFrequency = Frequency,
        };
    }

    /// <summary>A client result whose clock started <paramref name="clientLagMs"/> after the server's.</summary>
    public static ClientResult Result(
        ClientOutcome outcome = ClientOutcome.Completed,
        string? text = null,
        string? stopReason = "end_turn",
        ClientError? error = null,
        int clientLagMs = 0) => new()
        {
            Outcome = outcome,
            Text = text ?? FullText,
            StopReason = stopReason,
            Error = error,
            StartedTimestamp = ServerStart + TimeSpan.FromMilliseconds(clientLagMs).Ticks,
        };
}
