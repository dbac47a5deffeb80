"""The exec contract (docs/exec.md) shared by the Python specimens: env vars, the request, the result file."""
import json
import os
import socket
import sys
import time
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime
from http.client import HTTPConnection, HTTPException
from urllib.parse import urlsplit


def _ms(name, default=None):
    value = os.environ.get(name, '')
    return int(value) if value.strip() else default


BASE_URL = os.environ.get('ANTHROPIC_BASE_URL', 'http://127.0.0.1:8080')
API_KEY = os.environ.get('ANTHROPIC_API_KEY', '')
RESULT_FILE = os.environ.get('HARNESS_RESULT_FILE', 'result.json')
CANCEL_AFTER = _ms('HARNESS_CANCEL_AFTER_DELTAS')
LINGER_MS = _ms('HARNESS_LINGER_MS', 0)
FIRST_BYTE_MS = _ms('HARNESS_FIRST_BYTE_TIMEOUT_MS', 5000)
IDLE_MS = _ms('HARNESS_IDLE_TIMEOUT_MS', 500)
TOTAL_MS = _ms('HARNESS_TOTAL_TIMEOUT_MS', 20000)

BODY = json.dumps({'model': 'claude-sonnet-4-5', 'max_tokens': 1024, 'stream': True,
                   'messages': [{'role': 'user', 'content': 'Hello'}]})
HEADERS = {'x-api-key': API_KEY, 'anthropic-version': '2023-06-01', 'content-type': 'application/json',
           'accept': 'text/event-stream'}


class ApiError(Exception):
    """An error the API reported (HTTP status or `event: error`), or one the client decided (timeout, incomplete_stream)."""

    def __init__(self, type, message):
        super().__init__(message)
        self.type = type


class IncompleteStream(ConnectionError):
    """The body ended (cleanly or not) before message_stop: the answer is cut."""
    type = 'incomplete_stream'


MAX_RETRIES = 2  # the SDKs' default: the first attempt and 2 retries
BACKOFF_S = 0.5  # the first retry's wait when the server asks none; doubles for each retry


def should_retry(resp):
    """x-should-retry decides when present; otherwise 408, 409, 429 and >= 500 are retryable (never 400 or 401)."""
    flag = (resp.getheader('x-should-retry') or '').strip().lower()
    if flag in ('true', 'false'):
        return flag == 'true'
    return resp.status in (408, 409, 429) or resp.status >= 500


def retry_wait(resp, retry):
    """Seconds to wait before retry number `retry` (1, 2, ...): what the server asked (retry-after-ms first, then
    retry-after in seconds or as an HTTP date, taken relative to the response's Date header), else the backoff."""
    try:
        return max(0.0, float(resp.getheader('retry-after-ms')) / 1000)
    except (TypeError, ValueError):
        pass
    after = resp.getheader('retry-after')
    if after is not None:
        try:
            return max(0.0, float(after))
        except ValueError:
            pass
        try:
            when = parsedate_to_datetime(after)
            date = resp.getheader('date')
            now = parsedate_to_datetime(date) if date else datetime.now(timezone.utc)
            return max(0.0, (when - now).total_seconds())
        except (TypeError, ValueError, IndexError):
            pass
    return BACKOFF_S * 2 ** (retry - 1)


def messages_error(answer, status):
    """The ApiError for a non-2xx answer: the API's error type and message, else http_error with the status."""
    try:
        err = json.loads(answer)['error']
        return ApiError(err['type'], err.get('message', ''))
    except (ValueError, KeyError, TypeError):
        return ApiError('http_error', f'HTTP {status}')


def open_stream(timeout, retries=None, base_url=BASE_URL, path='/v1/messages', body=BODY, headers=HEADERS,
                to_error=messages_error):
    """POSTs the streaming request; returns (sock, resp) for a 2xx answer, raises to_error(answer, status) otherwise.
    A retryable status is retried (at most `retries`, default MAX_RETRIES, times), after the wait the server asked or the backoff.
    `timeout` (seconds, or None) bounds connecting and the response headers of each attempt. The request and the error
    mapping default to the Anthropic ones; openai/contract.py passes its own."""
    url = urlsplit(base_url)
    retry = 0
    while True:
        conn = HTTPConnection(url.hostname, url.port or 80, timeout=timeout)
        conn.connect()
        sock = conn.sock  # kept: getresponse() forgets conn.sock when the response says Connection: close
        conn.request('POST', url.path.rstrip('/') + path, body=body, headers=headers)
        resp = conn.getresponse()
        if 200 <= resp.status < 300:
            return sock, resp
        answer = resp.read()
        sock.close()
        if retry < (MAX_RETRIES if retries is None else retries) and should_retry(resp):
            retry += 1
            time.sleep(retry_wait(resp, retry))
            continue
        raise to_error(answer, resp.status)


def abort(sock, resp):
    """Closes the connection now (the server sees it at once), whatever is still unread."""
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # already closed by the peer
    resp.close()
    sock.close()


def error_type(exc):
    """The error type to report: the API's for ApiError, else what kind of failure it was."""
    if isinstance(exc, (ApiError, IncompleteStream)):
        return exc.type
    if isinstance(exc, TimeoutError):
        return 'timeout'
    if isinstance(exc, (OSError, HTTPException)):
        return 'connection_error'
    return 'invalid_response' if isinstance(exc, (ValueError, KeyError)) else 'client_error'


def write_result(text, stop_reason, error=None):
    """Writes the result file atomically (temp file, then rename)."""
    tmp = RESULT_FILE + '.tmp'
    with open(tmp, 'w', encoding='utf-8') as f:
        json.dump({'text': text, 'stop_reason': stop_reason, 'error': error}, f)
    os.replace(tmp, RESULT_FILE)


def finish(text, stop_reason, exc=None, type=None):
    """Writes the result and returns the exit code: 0 for a complete answer, 1 for an error."""
    if exc is None:
        write_result(''.join(text), stop_reason)
        return 0
    type = type or error_type(exc)
    write_result(''.join(text), stop_reason, {'type': type, 'message': str(exc)})
    print(f'error: {type}: {exc}', file=sys.stderr)
    return 1


def linger():
    """After giving up: stay alive HARNESS_LINGER_MS so a connection left open is visible."""
    time.sleep(LINGER_MS / 1000)
