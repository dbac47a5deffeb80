# chat-ignores-errors: no branch for an error object in the stream, and [DONE], a clean end without it, a reset or a cut
# body all end the answer normally: an error or a drop comes back as a complete answer, exit 0.
import codecs
import json
import re
import sys
import time
from http.client import IncompleteRead

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
        except (ConnectionError, IncompleteRead):
            return  # a reset or a cut body is taken as the end of the answer
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
    text, finish_reason, deltas = [], None, 0
    total_at = time.monotonic() + c.TOTAL_MS / 1000

    def wait():
        """How long the next read may take: the idle timeout, which any bytes reset (comments too), cut to what is
        left of the total deadline."""
        left = total_at - time.monotonic()
        if left <= 0:
            raise c.ApiError('timeout', 'past the total deadline')
        return min(c.IDLE_MS / 1000, left)

    try:
        sock, resp = c.open_stream(c.CHAT, c.FIRST_BYTE_MS / 1000)
        for _event, data in sse_events(resp, sock, wait):
            if data == '[DONE]':
                break  # [DONE] ends the answer, whatever came before it
            chunk = json.loads(data)
            for choice in chunk.get('choices') or []:  # none in Azure's first chunk and in the usage chunk
                if choice.get('index', 0) != 0:
                    continue
                content = (choice.get('delta') or {}).get('content')  # Azure's filter chunks have no delta
                if content:
                    text.append(content)
                    deltas += 1
                    if deltas == c.CANCEL_AFTER:
                        c.abort(sock, resp)
                        c.finish(text, finish_reason)
                        c.linger()
                        return 0
                if choice.get('finish_reason'):
                    finish_reason = choice['finish_reason']  # kept: later chunks (Azure's filter results) say null
        return c.finish(text, finish_reason)  # BUG: whatever ended the stream (error object, reset, cut), it is a complete answer
    except Exception as e:
        return c.finish(text, finish_reason, e)


sys.exit(main())
