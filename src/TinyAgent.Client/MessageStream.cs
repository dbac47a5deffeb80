using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using TinyAgent.Client.Internal;

namespace TinyAgent.Client;

/// <summary>
/// One streaming call. Enumerate it for typed events, or call <see cref="GetFinalMessageAsync"/> to drain and
/// accumulate without creating event objects. Single use. Leaving early (break, dispose, cancel) closes the connection at once.
/// </summary>
public sealed class MessageStream : IAsyncEnumerable<StreamEvent>, IAsyncDisposable
{
    private readonly MessagesClient _client;
    private readonly MessageRequest _request;
    private readonly CancellationToken _callerToken;
    private readonly CancellationTokenSource _cts;
    private readonly CallDeadlines _deadlines;
    private readonly MessageAccumulator _accumulator;
    private readonly SseItemParser<StreamEvent?> _itemParser;
    private Attempt? _attempt;
    private BodyReader? _body;
    private Message? _final;
    private Message? _closedSnapshot;
    private int _started;
    private bool _closed;
    private bool _disposeRequested;
    private bool _running;

    internal MessageStream(MessagesClient client, MessageRequest request, CancellationToken cancellationToken)
    {
        _client = client;
        _request = request;
        _callerToken = cancellationToken;
        _cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        _deadlines = new CallDeadlines(client.Options);
        _accumulator = new MessageAccumulator(_deadlines.OnContent);
        _itemParser = _accumulator.Parse;
    }

    /// <summary>The message accumulated so far (null before <c>message_start</c>); the final message once complete.</summary>
    public Message? Current => _final ?? _closedSnapshot ?? (_closed ? null : _accumulator.Snapshot());

    /// <summary>Same as <see cref="Current"/>.</summary>
    public Message? Snapshot => Current;

    /// <summary>Events dispatched by the SSE parser (pings and unknown ones included).</summary>
    public long EventCount => _accumulator.EventCount;

    /// <summary>Pings, unknown event types and unknown delta types: counted, never fatal.</summary>
    public long IgnoredEventCount => _accumulator.IgnoredEventCount;

    /// <summary>Body bytes received.</summary>
    public long BytesRead => _body?.BytesRead ?? 0;

    /// <summary>When the response headers arrived (from the options' TimeProvider).</summary>
    public DateTimeOffset? ResponseHeadersAt { get; private set; }

    /// <summary>When the first event was dispatched.</summary>
    public DateTimeOffset? FirstEventAt { get; private set; }

    /// <summary>The <c>request-id</c> header, once headers arrived.</summary>
    public string? RequestId => _accumulator.RequestId;

    /// <summary>Yields typed events as they arrive. May be enumerated once.</summary>
    public IAsyncEnumerator<StreamEvent> GetAsyncEnumerator(CancellationToken cancellationToken = default) =>
        RunAsync(materialize: true, cancellationToken).GetAsyncEnumerator(cancellationToken);

    /// <summary>Drains the stream and returns the complete message (or the message of an enumeration that already completed).</summary>
    public async Task<Message> GetFinalMessageAsync(CancellationToken cancellationToken = default)
    {
        if (_final is { } done)
            return done;
        await foreach (var _ in RunAsync(materialize: false, cancellationToken).ConfigureAwait(false))
        {
        }
        return _final ?? throw new InvalidOperationException("The stream ended without a final message.");
    }

    /// <summary>Stops the call and closes the connection without draining it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposeRequested)
            return;
        _disposeRequested = true;
        await _cts.CancelAsync().ConfigureAwait(false);
        await CloseAsync().ConfigureAwait(false);
        // A running enumeration still holds the source; it disposes it when it unwinds.
        if (!_running)
            _cts.Dispose();
    }

    private async IAsyncEnumerable<StreamEvent> RunAsync(bool materialize, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
            throw new InvalidOperationException("A MessageStream can be enumerated or drained only once.");
        ObjectDisposedException.ThrowIf(_closed, this);
        _accumulator.Materialize = materialize;
        _running = true;
        var link = cancellationToken.Register(static s => ((CancellationTokenSource)s!).Cancel(), _cts);
        IAsyncEnumerator<SseItem<StreamEvent?>>? items = null;
        try
        {
            try
            {
                items = await StartAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                throw Translate(ex, cancellationToken);
            }
            while (true)
            {
                // The parser may hold events it already read: it would parse and yield them after a cancel.
                ThrowIfLeft(cancellationToken);
                bool more;
                try
                {
                    more = await items.MoveNextAsync().ConfigureAwait(false);
                }
                catch (Exception ex)
                {
                    throw Translate(ex, cancellationToken);
                }
                if (!more)
                    throw _disposeRequested ? new ObjectDisposedException(nameof(MessageStream)) : EndedWithoutStop();
                FirstEventAt ??= _deadlines.Time.GetUtcNow();
                if (items.Current.Data is { } item)
                {
                    // A cancel may land while the parser works from its buffer, which never looks at the token.
                    ThrowIfLeft(cancellationToken);
                    yield return item;
                }
                if (_accumulator.Stopped)
                    break;
            }
            _final = _accumulator.Snapshot()!;
            if (_client.Options.ThrowOnMaxTokens && _final.IsTruncatedByMaxTokens)
                throw new MaxTokensException($"The reply stopped at max_tokens ({_final.Usage.OutputTokens} output tokens).")
                { RequestId = RequestId, PartialMessage = _final };
        }
        finally
        {
            if (items is not null)
                await items.DisposeAsync().ConfigureAwait(false);
            await CloseAsync().ConfigureAwait(false);
            await link.DisposeAsync().ConfigureAwait(false);
            _running = false;
            if (_disposeRequested)
                _cts.Dispose();
        }
    }

    private async Task<IAsyncEnumerator<SseItem<StreamEvent?>>> StartAsync(CancellationToken cancellationToken)
    {
        _attempt = await _client.SendAsync(_request, streaming: true, _deadlines, _cts.Token).ConfigureAwait(false);
        ResponseHeadersAt = _deadlines.Time.GetUtcNow();
        _accumulator.RequestId = MessagesClient.RequestIdOf(_attempt.Response);
        var (body, first, count) = _attempt.Take();
        _body = new BodyReader(body, first, count, _client.ReadPipeline, _deadlines, _cts.Token);
        return SseParser.Create(_body, _itemParser).EnumerateAsync(_cts.Token).GetAsyncEnumerator(cancellationToken);
    }

    /// <summary>
    /// No event after the caller left: throwing unwinds into CloseAsync, which aborts the connection with a cancelled
    /// pending read (disposing an unread response would make SocketsHttpHandler drain it for up to 2 s).
    /// </summary>
    private void ThrowIfLeft(CancellationToken cancellationToken)
    {
        if (!_cts.IsCancellationRequested)
            return;
        if (_disposeRequested)
            throw new ObjectDisposedException(nameof(MessageStream));
        throw new OperationCanceledException(_callerToken.IsCancellationRequested ? _callerToken : cancellationToken);
    }

    private AnthropicException EndedWithoutStop()
    {
        if (_accumulator.EventCount == 0 && BytesRead > 0)
            return new StreamProtocolException($"The 200 body is not SSE: {BytesRead} bytes held no event.") { RequestId = RequestId };
        return new IncompleteStreamException(IncompleteKind.CleanClose,
            $"The stream ended without message_stop after {_accumulator.EventCount} events ({BytesRead} bytes).")
        { RequestId = RequestId, PartialMessage = _accumulator.Snapshot() };
    }

    private Exception Translate(Exception ex, CancellationToken cancellationToken)
    {
        if (_disposeRequested)
            return new ObjectDisposedException(nameof(MessageStream), ex);
        if (ex is OperationCanceledException && (_callerToken.IsCancellationRequested || cancellationToken.IsCancellationRequested))
            return ex;
        switch (ex)
        {
            case AnthropicException known:
                known.RequestId ??= RequestId;
                known.PartialMessage ??= _accumulator.Snapshot();
                return known;
            case IOException or HttpRequestException:
                var kind = MessagesClient.ClassifyEnd(ex);
                return new IncompleteStreamException(kind,
                    $"The stream broke ({kind}) without message_stop after {_accumulator.EventCount} events ({BytesRead} bytes): {ex.Message}", ex)
                { RequestId = RequestId, PartialMessage = _accumulator.Snapshot() };
            default:
                return ex;
        }
    }

    private async ValueTask CloseAsync()
    {
        if (_closed)
            return;
        _closed = true;
        if (_final is null && _accumulator.Started)
            _closedSnapshot = _accumulator.Snapshot();
        if (_body is { } body)
        {
            await body.AbortAsync().ConfigureAwait(false);
            await body.DisposeAsync().ConfigureAwait(false);
        }
        _attempt?.Dispose();
        _accumulator.Dispose();
    }
}
