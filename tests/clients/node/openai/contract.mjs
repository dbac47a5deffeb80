// The exec contract (docs/exec.md) for the OpenAI specimens: only what differs from ../contract.mjs, whose env vars,
// retries, error types, result file and give-up are reused as they are, so the two cannot drift apart.
// What differs: POST $OPENAI_BASE_URL/chat/completions or $OPENAI_BASE_URL/responses (the base URL ends in /v1, as
// the OpenAI SDKs expect) with Authorization: Bearer $OPENAI_API_KEY, and the OpenAI error object.
import * as base from '../contract.mjs';

export { ApiError, MAX_RETRIES, errorType, finish, giveUp, writeResult } from '../contract.mjs';

export const env = {
  ...base.env,
  baseUrl: process.env.OPENAI_BASE_URL ?? 'http://127.0.0.1:8080/v1',
  apiKey: process.env.OPENAI_API_KEY ?? '',
};

/** The two requests: the path under the base URL and the body. */
export const CHAT = {
  path: '/chat/completions',
  body: { model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'Hello' }] },
};
export const RESPONSES = { path: '/responses', body: { model: 'gpt-4o', stream: true, input: 'Hello' } };

/**
 * The body ended (cleanly or not) before the format's end: no [DONE] or finish_reason (Chat), no
 * response.completed / response.incomplete (Responses).
 */
export class IncompleteStream extends base.IncompleteStream {}

/** ApiError from an OpenAI error object {message, type, param, code}: its type, else its code (a vLLM code is a number), else `fallback`. */
export function apiError(error, fallback) {
  const err = error !== null && typeof error === 'object' ? error : {};
  return new base.ApiError(String(err.type || err.code || fallback), String(err.message ?? ''));
}

/** ../contract.mjs's openStream (retries, beforeRetry) with the request `api` (CHAT or RESPONSES). */
export async function openStream(api, signal, beforeRetry, retries) {
  return base.openStream(signal, beforeRetry, retries, {
    url: `${env.baseUrl.replace(/\/$/, '')}${api.path}`,
    headers: { authorization: `Bearer ${env.apiKey}`, 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify(api.body),
    // A non-2xx answer: its error object's type (else its code), else http_error with the status.
    toError: (error, status) => (error !== null && typeof error === 'object'
      ? apiError(error, 'http_error') : new base.ApiError('http_error', `HTTP ${status}`)),
  });
}
