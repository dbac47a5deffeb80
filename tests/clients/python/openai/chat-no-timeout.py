# chat-no-timeout: no timeout at all (no first-byte, idle or total), so a stalled stream hangs it forever.
import codecs
import json
import re
import sys

import contract as c

LINE_END = re.compile(r'\r\n|\r|\n')


def sse_events(resp):
    """Yields (event, data) for each dispatched event."""
    decoder = codecs.getincrementaldecoder('utf-8-sig')()  # also drops a leading BOM
    buf, skip_lf, event, data = '', False, '', []
    while True:
        chunk = resp.read1(65536)
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

    try:
        sock, resp = c.open_stream(c.CHAT, timeout=None)  # BUG: no timeout: a stalled stream blocks the read forever
        for _event, data in sse_events(resp):
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
