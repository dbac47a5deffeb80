// The exec contract (docs/exec.md) for the OpenAI specimens: env vars, the two requests, retries, the result file.
// Everything but the request is as in ../contract.mjs: HARNESS_RESULT_FILE and its JSON, the timeout hints,
// HARNESS_CANCEL_AFTER_DELTAS and HARNESS_LINGER_MS, exit codes 0/1, retries. The request: POST
// $OPENAI_BASE_URL/chat/completions or $OPENAI_BASE_URL/responses (the base URL ends in /v1, as the OpenAI SDKs
// expect) with Authorization: Bearer $OPENAI_API_KEY.
import { renameSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const ms = (name, fallback = null) => (process.env[name]?.trim() ? Number(process.env[name]) : fallback);

export const env = {
  baseUrl: process.env.OPENAI_BASE_URL ?? 'http://127.0.0.1:8080/v1',
  apiKey: process.env.OPENAI_API_KEY ?? '',
  resultFile: process.env.HARNESS_RESULT_FILE ?? 'result.json',
  cancelAfter: ms('HARNESS_CANCEL_AFTER_DELTAS'),
  lingerMs: ms('HARNESS_LINGER_MS', 0),
  firstByteMs: ms('HARNESS_FIRST_BYTE_TIMEOUT_MS', 5000),
  idleMs: ms('HARNESS_IDLE_TIMEOUT_MS', 500),
  totalMs: ms('HARNESS_TOTAL_TIMEOUT_MS', 20000),
};

/** The two requests: the path under the base URL and the body. */
export const CHAT = {
  path: '/chat/completions',
  body: { model: 'gpt-4o', stream: true, messages: [{ role: 'user', content: 'Hello' }] },
};
export const RESPONSES = { path: '/responses', body: { model: 'gpt-4o', stream: true, input: 'Hello' } };

/**
 * An error the API reported (HTTP status, an error object or event in the stream, response.failed), or one the
 * client decided (timeout).
 */
export class ApiError extends Error {
  constructor(type, message) {
    super(message);
    this.name = 'ApiError';
    this.type = type;
  }
}

/**
 * The body ended (cleanly or not) before the format's end: no [DONE] or finish_reason (Chat), no
 * response.completed / response.incomplete (Responses).
 */
export class IncompleteStream extends Error {
  name = 'IncompleteStream';
  type = 'incomplete_stream';
}

/** ApiError from an OpenAI error object {message, type, param, code}: its type, else its code (a vLLM code is a number), else `fallback`. */
export function apiError(error, fallback) {
  const err = error !== null && typeof error === 'object' ? error : {};
  return new ApiError(String(err.type || err.code || fallback), String(err.message ?? ''));
}

export const MAX_RETRIES = 2; // the SDKs' default: the first attempt and 2 retries
const BACKOFF_MS = 500; // the first retry's wait when the server asks none; doubles for each retry

/** x-should-retry decides when present; otherwise 408, 409, 429 and >= 500 are retryable (never 400 or 401). */
export function shouldRetry(response) {
  const flag = response.headers.get('x-should-retry')?.trim().toLowerCase();
  if (flag === 'true' || flag === 'false') return flag === 'true';
  return [408, 409, 429].includes(response.status) || response.status >= 500;
}

/**
 * Milliseconds to wait before retry number `retry` (1, 2, ...): what the server asked (retry-after-ms first, then
 * retry-after in seconds or as an HTTP date, taken relative to the response's Date header), else the backoff.
 */
export function retryWait(response, retry) {
  const ms = Number.parseFloat(response.headers.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms)) return Math.max(0, ms);
  const after = response.headers.get('retry-after');
  if (after !== null) {
    if (/^\s*\d+(\.\d+)?\s*$/.test(after)) return Math.max(0, Number(after) * 1000);
    const when = Date.parse(after);
    const date = response.headers.get('date');
    const now = date !== null && Number.isFinite(Date.parse(date)) ? Date.parse(date) : Date.now();
    if (Number.isFinite(when)) return Math.max(0, when - now);
  }
  return BACKOFF_MS * 2 ** (retry - 1);
}

/**
 * POSTs the streaming request `api` (CHAT or RESPONSES); returns the 2xx response, throws ApiError with the API's
 * error type (else its code) otherwise. A retryable status is retried (at most MAX_RETRIES times), after the wait the
 * server asked or the backoff; `beforeRetry` (optional) runs before each retry, e.g. to re-arm a first-byte timer.
 */
export async function openStream(api, signal, beforeRetry = () => {}, retries = MAX_RETRIES) {
  for (let retry = 0; ; retry++) {
    const response = await fetch(`${env.baseUrl.replace(/\/$/, '')}${api.path}`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${env.apiKey}`,
        'content-type': 'application/json',
        accept: 'text/event-stream',
      },
      body: JSON.stringify(api.body),
      signal,
    });
    if (response.ok) return response;
    const body = await response.text();
    if (retry < retries && shouldRetry(response)) {
      await sleep(retryWait(response, retry + 1), undefined, { signal });
      beforeRetry();
      continue;
    }
    let error;
    try { error = JSON.parse(body).error; } catch { /* not the API's JSON */ }
    if (error !== null && typeof error === 'object') throw apiError(error, 'http_error');
    throw new ApiError('http_error', `HTTP ${response.status}`);
  }
}

/** The error type to report: the API's for ApiError, else what kind of failure it was. */
export function errorType(err) {
  if (err instanceof ApiError || err instanceof IncompleteStream) return err.type;
  if (err instanceof SyntaxError) return 'invalid_response';
  return err instanceof TypeError ? 'connection_error' : 'client_error'; // fetch's network errors are TypeErrors
}

/** Writes the result file atomically (temp file, then rename). */
export function writeResult(text, stopReason, error = null) {
  writeFileSync(`${env.resultFile}.tmp`, JSON.stringify({ text, stop_reason: stopReason, error }));
  renameSync(`${env.resultFile}.tmp`, env.resultFile);
}

/** Writes the result and exits: 0 for a complete answer, 1 for an error (`type` overrides errorType). */
export function finish(text, stopReason, err = null, type = undefined) {
  if (err === null) {
    writeResult(text, stopReason);
    process.exit(0);
  }
  type ??= errorType(err);
  const message = String(err?.cause?.message ? `${err.message}: ${err.cause.message}` : err?.message ?? err);
  writeResult(text, stopReason, { type, message });
  console.error(`error: ${type}: ${message}`);
  process.exit(1);
}

/** After giving up: writes the partial result, stays alive HARNESS_LINGER_MS (a connection left open is visible), exits 0. */
export async function giveUp(text, stopReason) {
  writeResult(text, stopReason);
  await sleep(env.lingerMs);
  process.exit(0);
}
