"""The exec contract (docs/exec.md) for the OpenAI specimens: env vars, the two requests, retries, the result file.

Everything but the request is as in ../contract.py: HARNESS_RESULT_FILE and its JSON, the timeout hints,
HARNESS_CANCEL_AFTER_DELTAS and HARNESS_LINGER_MS, exit codes 0/1, retries. The request: POST
$OPENAI_BASE_URL/chat/completions or $OPENAI_BASE_URL/responses (the base URL ends in /v1, as the OpenAI SDKs
expect) with Authorization: Bearer $OPENAI_API_KEY.
"""
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


BASE_URL = os.environ.get('OPENAI_BASE_URL', 'http://127.0.0.1:8080/v1')
API_KEY = os.environ.get('OPENAI_API_KEY', '')
RESULT_FILE = os.environ.get('HARNESS_RESULT_FILE', 'result.json')
CANCEL_AFTER = _ms('HARNESS_CANCEL_AFTER_DELTAS')
LINGER_MS = _ms('HARNESS_LINGER_MS', 0)
FIRST_BYTE_MS = _ms('HARNESS_FIRST_BYTE_TIMEOUT_MS', 5000)
IDLE_MS = _ms('HARNESS_IDLE_TIMEOUT_MS', 500)
TOTAL_MS = _ms('HARNESS_TOTAL_TIMEOUT_MS', 20000)

# (path under the base URL, body): one per format.
CHAT = ('/chat/completions', json.dumps({'model': 'gpt-4o', 'stream': True,
                                         'messages': [{'role': 'user', 'content': 'Hello'}]}))
RESPONSES = ('/responses', json.dumps({'model': 'gpt-4o', 'stream': True, 'input': 'Hello'}))
HEADERS = {'authorization': f'Bearer {API_KEY}', 'content-type': 'application/json', 'accept': 'text/event-stream'}


class ApiError(Exception):
    """An error the API reported (HTTP status, an error object or event in the stream, response.failed), or one the
    client decided (timeout)."""

    def __init__(self, type, message):
        super().__init__(message)
        self.type = type


class IncompleteStream(ConnectionError):
    """The body ended (cleanly or not) before the format's end: no [DONE] or finish_reason (Chat), no
    response.completed / response.incomplete (Responses)."""
    type = 'incomplete_stream'


def api_error(err, fallback):
    """ApiError from an OpenAI error object {message, type, param, code}: its type, else its code (a vLLM code is a
    number), else `fallback`."""
    err = err if isinstance(err, dict) else {}
    return ApiError(str(err.get('type') or err.get('code') or fallback), str(err.get('message') or ''))


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


def open_stream(api, timeout, retries=None):
    """POSTs the streaming request `api` (CHAT or RESPONSES); returns (sock, resp) for a 2xx answer, raises ApiError
    with the API's error type (else its code) otherwise. A retryable status is retried (at most `retries`, default
    MAX_RETRIES, times), after the wait the server asked or the backoff. `timeout` (seconds, or None) bounds
    connecting and the response headers of each attempt."""
    path, body = api
    url = urlsplit(BASE_URL)
    retry = 0
    while True:
        conn = HTTPConnection(url.hostname, url.port or 80, timeout=timeout)
        conn.connect()
        sock = conn.sock  # kept: getresponse() forgets conn.sock when the response says Connection: close
        conn.request('POST', url.path.rstrip('/') + path, body=body, headers=HEADERS)
        resp = conn.getresponse()
        if 200 <= resp.status < 300:
            return sock, resp
        answer = resp.read()
        sock.close()
        if retry < (MAX_RETRIES if retries is None else retries) and should_retry(resp):
            retry += 1
            time.sleep(retry_wait(resp, retry))
            continue
        try:
            err = json.loads(answer)['error']
        except (ValueError, KeyError, TypeError):
            err = None
        raise api_error(err, 'http_error') if isinstance(err, dict) else ApiError('http_error', f'HTTP {resp.status}')


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
