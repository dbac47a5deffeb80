# content-idle: the idle timer is reset only by content (content_block_delta events), not by pings or `:` comments,
# so a live stream whose content pauses while keep-alives arrive (long thinking) is killed with a timeout.
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
    content_at = time.monotonic()

    def wait():
        """How long the next read may take: the idle timeout counted from the last content delta, cut to what is
        left of the total deadline."""
        left = total_at - time.monotonic()
        if left <= 0:
            raise c.ApiError('timeout', 'past the total deadline')
        idle = content_at + c.IDLE_MS / 1000 - time.monotonic()  # BUG: only content resets it, pings and comments do not
        if idle <= 0:
            raise c.ApiError('timeout', 'no content within the idle timeout')
        return min(idle, left)

    try:
        sock, resp = c.open_stream(c.FIRST_BYTE_MS / 1000)
        content_at = time.monotonic()
        for event, data in sse_events(resp, sock, wait):
            if event == 'ping':
                continue
            if event == 'error':
                err = json.loads(data)['error']
                raise c.ApiError(err['type'], err['message'])
            if event == 'content_block_delta':
                content_at = time.monotonic()
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
                return c.finish(text, stop_reason)
        raise c.IncompleteStream('the stream ended before message_stop')
    except Exception as e:
        return c.finish(text, stop_reason, e)


sys.exit(main())
