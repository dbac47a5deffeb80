using Microsoft.AspNetCore.Http;
using TinyAgent.Harness.Model;
using TinyAgent.Harness.Plan;

namespace TinyAgent.Harness.Replay;

/// <summary>
/// Writes a <see cref="ReplayPlan"/> to a response with full byte control: status and headers from the plan,
/// then per chunk wait, write, flush; then the planned ending. Adds no bytes of its own except a stall's keepalives.
/// </summary>
internal sealed class PlanReplayer(ReplayServerOptions options, TimeProvider time)
{
    /// <summary>Headers the transport owns; a recording's copy of them would corrupt the framing.</summary>
    private static readonly HashSet<string> s_transportHeaders = new(["content-length", "transfer-encoding", "connection", "keep-alive", "request-id", "x-request-id"], StringComparer.OrdinalIgnoreCase);

    public async Task<(IReadOnlyList<SentChunk> Sent, ServerEnding Ending)> ReplayAsync(HttpContext context, ReplayPlan plan, ArrivalClock clock)
    {
        var response = context.Response;
        var ct = context.RequestAborted;
        var sent = new List<SentChunk>(plan.Chunks.Count);
        response.StatusCode = plan.Status;
        foreach (var (name, value) in plan.Headers)
        {
            if (!s_transportHeaders.Contains(name))
            {
                response.Headers.Append(name, value);
            }
        }

        foreach (var header in plan.TimedHeaders)
        {
            response.Headers.Append(header.Name, header.Value(time.GetUtcNow()));
        }

        try
        {
            if (plan.IsStream && (plan.Chunks.Count == 0 || plan.Chunks[0].DelayBefore > TimeSpan.Zero || plan.Stall is not null))
            {
                // The API sends its headers at once and the events later: a delay before the first chunk is time to
                // first event. Without one, the headers go out with the first chunk (one write fewer per stream).
                await response.StartAsync(ct).ConfigureAwait(false);
            }
            else if (plan.End == StreamEnd.Complete && plan.Stall is null)
            {
                response.ContentLength = plan.Body.Length;
            }

            long lastWrite = 0;
            long firstWrite = 0;
            var due = TimeSpan.Zero;
            bool previousSeparate = false;
            foreach (var chunk in plan.Chunks)
            {
                // Delays are kept against the timeline from the first write, not from the previous write: each
                // timer wakes a little late, and measured from the previous write those overshoots add up (under
                // load, hundreds of ms by the end of a long stream). A late chunk makes the next wait shorter, down to half.
                var wait = chunk.DelayBefore;
                if (firstWrite != 0)
                {
                    due += chunk.DelayBefore;
                    wait = due - time.GetElapsedTime(firstWrite);

                    // Catching up never turns the rest into a burst: a stream still flowing after a give-up must keep
                    // flowing (at least half of each planned gap), or a ghost would look like a stream that ended.
                    var floor = chunk.DelayBefore / 2;
                    wait = wait < floor ? floor : wait;
                }

                if (lastWrite != 0 && (chunk.Separate || previousSeparate) && options.SplitGap > TimeSpan.Zero)
                {
                    // Quiet time on both sides of a planned split, so the client's read ends exactly at the cut.
                    var gap = options.SplitGap - time.GetElapsedTime(lastWrite);
                    wait = gap > wait ? gap : wait;
                }

                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, time, ct).ConfigureAwait(false);
                }

                var flush = await response.BodyWriter.WriteAsync(chunk.Data, ct).ConfigureAwait(false);
                lastWrite = time.GetTimestamp();
                clock.MarkPlannedWrite(lastWrite);
                firstWrite = firstWrite == 0 ? lastWrite : firstWrite;
                sent.Add(new SentChunk(chunk.Offset, chunk.Data.Length, time.GetElapsedTime(clock.Started, lastWrite)));
                previousSeparate = chunk.Separate;
                if (flush.IsCanceled || flush.IsCompleted)
                {
                    return (sent, ServerEnding.ClientGone);
                }
            }

            if (plan.Stall is { } stall)
            {
                return (sent, await StallAsync(context, plan, stall, clock, sent).ConfigureAwait(false));
            }

            switch (plan.End)
            {
                case StreamEnd.Reset:
                    if (lastWrite != 0 && options.SplitGap > TimeSpan.Zero)
                    {
                        // A reset discards what the client has not read yet; let the last chunk land first.
                        await Task.Delay(options.SplitGap, time, ct).ConfigureAwait(false);
                    }

                    context.Abort();
                    return (sent, ServerEnding.Reset);
                case StreamEnd.CleanClose:
                    await response.CompleteAsync().ConfigureAwait(false);
                    return (sent, ServerEnding.CleanClose);
                default:
                    await response.CompleteAsync().ConfigureAwait(false);
                    return (sent, ServerEnding.Complete);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException || (e is InvalidOperationException && ct.IsCancellationRequested))
        {
            return (sent, ServerEnding.ClientGone);
        }
    }

    private async Task<ServerEnding> StallAsync(HttpContext context, ReplayPlan plan, StallSpec stall, ArrivalClock clock, List<SentChunk> sent)
    {
        var ct = context.RequestAborted;
        var limit = stall.Hold is { } hold && hold < options.StallLimit ? hold : options.StallLimit;
        var giveUpAt = clock.Now + limit;
        while (!ct.IsCancellationRequested)
        {
            var left = giveUpAt - clock.Now;
            if (left <= TimeSpan.Zero)
            {
                if (stall.CompletesAfterHold)
                {
                    // A slow close: the body was whole, only its end came late.
                    await context.Response.CompleteAsync().ConfigureAwait(false);
                    return ServerEnding.Complete;
                }

                context.Abort();
                return ServerEnding.StallAbandoned;
            }

            var wait = stall.Every is { } every && every > TimeSpan.Zero && every < left ? every : left;
            await Task.Delay(wait, time, ct).ConfigureAwait(false);
            // The stall fault sets Every exactly when there is a keepalive: the keepalive alone decides whether to write.
            if (!stall.Keepalive.IsEmpty && clock.Now < giveUpAt)
            {
                await context.Response.BodyWriter.WriteAsync(stall.Keepalive, ct).ConfigureAwait(false);

                // Keepalives are not part of the planned body: they are recorded just past its end.
                sent.Add(new SentChunk(plan.Body.Length, stall.Keepalive.Length, clock.Now));
            }
        }

        return ServerEnding.ClientGone;
    }
}
