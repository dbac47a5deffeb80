"""The exec contract (docs/exec.md) for the OpenAI specimens: only what differs from ../contract.py, whose env vars,
retries, abort, error types and result file are reused as they are, so the two cannot drift apart.

What differs: POST $OPENAI_BASE_URL/chat/completions or $OPENAI_BASE_URL/responses (the base URL ends in /v1, as the
OpenAI SDKs expect) with Authorization: Bearer $OPENAI_API_KEY, and the OpenAI error object.
"""
import importlib.util
import json
import os

# ../contract.py is loaded from its file: `import contract` would find this module, which has the same name.
_spec = importlib.util.spec_from_file_location(
    'anthropic_contract', os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir, 'contract.py'))
_base = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_base)

RESULT_FILE, CANCEL_AFTER, LINGER_MS = _base.RESULT_FILE, _base.CANCEL_AFTER, _base.LINGER_MS
FIRST_BYTE_MS, IDLE_MS, TOTAL_MS = _base.FIRST_BYTE_MS, _base.IDLE_MS, _base.TOTAL_MS
ApiError, MAX_RETRIES, abort, error_type = _base.ApiError, _base.MAX_RETRIES, _base.abort, _base.error_type
write_result, finish, linger = _base.write_result, _base.finish, _base.linger

BASE_URL = os.environ.get('OPENAI_BASE_URL', 'http://127.0.0.1:8080/v1')
API_KEY = os.environ.get('OPENAI_API_KEY', '')

# (path under the base URL, body): one per format.
CHAT = ('/chat/completions', json.dumps({'model': 'gpt-4o', 'stream': True,
                                         'messages': [{'role': 'user', 'content': 'Hello'}]}))
RESPONSES = ('/responses', json.dumps({'model': 'gpt-4o', 'stream': True, 'input': 'Hello'}))
HEADERS = {'authorization': f'Bearer {API_KEY}', 'content-type': 'application/json', 'accept': 'text/event-stream'}


class IncompleteStream(_base.IncompleteStream):
    """The body ended (cleanly or not) before the format's end: no [DONE] or finish_reason (Chat), no
    response.completed / response.incomplete (Responses)."""


def api_error(err, fallback):
    """ApiError from an OpenAI error object {message, type, param, code}: its type, else its code (a vLLM code is a
    number), else `fallback`."""
    err = err if isinstance(err, dict) else {}
    return ApiError(str(err.get('type') or err.get('code') or fallback), str(err.get('message') or ''))


def _http_error(answer, status):
    """A non-2xx answer: its error object's type (else its code), else http_error with the status."""
    try:
        err = json.loads(answer)['error']
    except (ValueError, KeyError, TypeError):
        err = None
    return api_error(err, 'http_error') if isinstance(err, dict) else ApiError('http_error', f'HTTP {status}')


def open_stream(api, timeout, retries=None):
    """../contract.py's open_stream (retries, timeout) with the request `api` (CHAT or RESPONSES)."""
    path, body = api
    return _base.open_stream(timeout, retries, base_url=BASE_URL, path=path, body=body, headers=HEADERS,
                             to_error=_http_error)
