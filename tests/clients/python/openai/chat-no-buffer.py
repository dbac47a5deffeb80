# chat-no-buffer: parses each read on its own with no carried buffer, so a frame cut across reads is parsed as if complete.
import json
import re
import sys
import time

import contract as c

LINE_END = re.compile(r'\r\n|\r|\n')


def sse_events(resp, sock, wait):
    """Yields (event, data) for each dispatched event."""
    event, data = '', []
    while True:
        sock.settimeout(wait())
        try:
            chunk = resp.read1(65536)
        except TimeoutError:
            raise c.ApiError('timeout', 'no bytes within the idle timeout') from None
        if not chunk:
            return
        lines = LINE_END.split(chunk.decode())  # BUG: no carried buffer: a line cut by the read end is taken as whole
        if not lines[-1]:
            lines.pop()  # the read ended with a line ending
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
                if finish_reason is None:
                    raise c.IncompleteStream('data: [DONE] before any finish_reason')
                return c.finish(text, finish_reason)
            chunk = json.loads(data)
            if chunk.get('error'):
                raise c.api_error(chunk['error'], 'error')
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
        raise c.IncompleteStream('the stream ended before data: [DONE]')
    except Exception as e:
        return c.finish(text, finish_reason, e)


sys.exit(main())
