# reads-to-eof: message_stop is not taken as the end of the answer: it reads on until the server closes the
# connection, so a connection kept open after message_stop (slow close) ends in its idle timeout, not the answer.
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
    text, stop_reason, deltas, stopped = [], None, 0, False
    total_at = time.monotonic() + c.TOTAL_MS / 1000

    def wait():
        """How long the next read may take: the idle timeout, which any bytes reset (pings and comments too),
        cut to what is left of the total deadline."""
        left = total_at - time.monotonic()
        if left <= 0:
            raise c.ApiError('timeout', 'past the total deadline')
        return min(c.IDLE_MS / 1000, left)

    try:
        sock, resp = c.open_stream(c.FIRST_BYTE_MS / 1000)
        for event, data in sse_events(resp, sock, wait):
            if event == 'ping':
                continue
            if event == 'error':
                err = json.loads(data)['error']
                raise c.ApiError(err['type'], err['message'])
            if event == 'content_block_delta':
                delta = json.loads(data)['delta']
                if delta['type'] == 'text_delta':
                    text.append(delta['text'])
                    deltas += 1
                    if deltas == c.CANCEL_AFTER:
                        c.abort(sock, resp)
                        c.finish(text, stop_reason)
                        c.linger()
                        return 0
            elif event == 'message_delta':
                stop_reason = json.loads(data)['delta'].get('stop_reason')
            elif event == 'message_stop':
                stopped = True  # BUG: not the end: it reads on until the server closes the connection
        if stopped:
            return c.finish(text, stop_reason)
        raise c.IncompleteStream('the stream ended before message_stop')
    except Exception as e:
        return c.finish(text, stop_reason, e)


sys.exit(main())
