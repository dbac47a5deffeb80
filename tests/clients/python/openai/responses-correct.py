# responses-correct: no bug -- reads an OpenAI Responses stream: carries the unfinished line across reads, follows the
# SSE line rules, joins response.output_text.delta, reports incomplete_details.reason or the status at
# response.completed / response.incomplete, `event: error` (nested or flat) and response.failed as errors, a stream
# without either ending (incomplete_stream) and timeouts (idle reset by any bytes, plus a total deadline); ignores
# the event types it does not know; aborts on give-up.
import codecs
import json
import re
import sys
import time

import contract as c

LINE_END = re.compile(r'\r\n|\r|\n')


def sse_events(resp, sock, wait):
    """Yields (event, data) for each dispatched event."""
    decoder = codecs.getincrementaldecoder('utf-8-sig')()  # also drops a leading BOM
    buf, skip_lf, event, data = '', False, '', []
    while True:
        sock.settimeout(wait())
        try:
            chunk = resp.read1(65536)
        except TimeoutError:
            raise c.ApiError('timeout', 'no bytes within the idle timeout') from None
        if not chunk:
            return
        buf += decoder.decode(chunk)
        if skip_lf and buf.startswith('\n'):
            buf = buf[1:]  # the LF of a CRLF whose CR ended the previous read
        skip_lf = buf.endswith('\r')
        *lines, buf = LINE_END.split(buf)  # the unfinished last line waits for the next read
        for line in lines:
            if not line:
                if data:
                    yield event or 'message', '\n'.join(data)
                event, data = '', []
            elif not line.startswith(':'):
                name, _, value = line.partition(':')
                value = value[1:] if value.startswith(' ') else value
                if name == 'event':
                    event = value
                elif name == 'data':
                    data.append(value)


def main():
    text, stop_reason, deltas = [], None, 0
    total_at = time.monotonic() + c.TOTAL_MS / 1000

    def wait():
        """How long the next read may take: the idle timeout, which any bytes reset (comments too), cut to what is
        left of the total deadline."""
        left = total_at - time.monotonic()
        if left <= 0:
            raise c.ApiError('timeout', 'past the total deadline')
        return min(c.IDLE_MS / 1000, left)

    try:
        sock, resp = c.open_stream(c.RESPONSES, c.FIRST_BYTE_MS / 1000)
        for event, data in sse_events(resp, sock, wait):
            if data == '[DONE]':
                continue  # a gateway's marker: only the response's own ending counts
            payload = json.loads(data)
            kind = event if event != 'message' else payload.get('type')  # the JSON repeats the event's name
            if kind == 'response.output_text.delta':
                text.append(payload['delta'])
                deltas += 1
                if deltas == c.CANCEL_AFTER:
                    c.abort(sock, resp)
                    c.finish(text, stop_reason)
                    c.linger()
                    return 0
            elif kind == 'error':
                nested = payload.get('error')  # live traffic nests it; the reference documents it flat
                flat = {'code': payload.get('code'), 'message': payload.get('message')}
                raise c.api_error(nested if isinstance(nested, dict) else flat, 'error')
            elif kind == 'response.failed':
                err = payload['response'].get('error') or {}
                raise c.ApiError(err.get('code') or 'failed', err.get('message') or '')
            elif kind in ('response.completed', 'response.incomplete'):
                response = payload['response']
                stop_reason = (response.get('incomplete_details') or {}).get('reason') or response.get('status')
                return c.finish(text, stop_reason)
        raise c.IncompleteStream('the stream ended before response.completed or response.incomplete')
    except Exception as e:
        return c.finish(text, stop_reason, e)


sys.exit(main())
