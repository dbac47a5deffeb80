// The exec contract (docs/exec.md) shared by the Node specimens: env vars, the request, the result file.
import { renameSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const ms = (name, fallback = null) => (process.env[name]?.trim() ? Number(process.env[name]) : fallback);

export const env = {
  baseUrl: process.env.ANTHROPIC_BASE_URL ?? 'http://127.0.0.1:8080',
  apiKey: process.env.ANTHROPIC_API_KEY ?? '',
  resultFile: process.env.HARNESS_RESULT_FILE ?? 'result.json',
  cancelAfter: ms('HARNESS_CANCEL_AFTER_DELTAS'),
  lingerMs: ms('HARNESS_LINGER_MS', 0),
  firstByteMs: ms('HARNESS_FIRST_BYTE_TIMEOUT_MS', 5000),
  idleMs: ms('HARNESS_IDLE_TIMEOUT_MS', 500),
  totalMs: ms('HARNESS_TOTAL_TIMEOUT_MS', 20000),
};

/** An error the API reported (HTTP status or `event: error`), or one the client decided (timeout, incomplete_stream). */
export class ApiError extends Error {
  constructor(type, message) {
    super(message);
    this.name = 'ApiError';
    this.type = type;
  }
}

/** The body ended (cleanly or not) before message_stop: the answer is cut. */
export class IncompleteStream extends Error {
  name = 'IncompleteStream';
  type = 'incomplete_stream';
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

/** The Anthropic request and its error mapping: what openStream sends unless given another. */
const messages = () => ({
  url: `${env.baseUrl.replace(/\/$/, '')}/v1/messages`,
  headers: {
    'x-api-key': env.apiKey,
    'anthropic-version': '2023-06-01',
    'content-type': 'application/json',
    accept: 'text/event-stream',
  },
  body: JSON.stringify({
    model: 'claude-sonnet-4-5',
    max_tokens: 1024,
    stream: true,
    messages: [{ role: 'user', content: 'Hello' }],
  }),
  toError: (error, status) => new ApiError(error?.type ?? 'http_error', error?.message ?? `HTTP ${status}`),
});

/**
 * POSTs the streaming request; returns the 2xx response, throws request.toError(the answer's `error`, status) otherwise.
 * A retryable status is retried (at most MAX_RETRIES times), after the wait the server asked or the backoff;
 * `beforeRetry(waitMs)` (optional) runs before each retry's wait, e.g. to re-arm a first-byte timer past the wait;
 * `retries` defaults to the SDKs' 2.
 * `request` ({url, headers, body, toError}) defaults to the Anthropic one; openai/contract.mjs passes its own.
 */
export async function openStream(signal, beforeRetry = () => {}, retries = MAX_RETRIES, request = messages()) {
  for (let retry = 0; ; retry++) {
    const response = await fetch(request.url, { method: 'POST', headers: request.headers, body: request.body, signal });
    if (response.ok) return response;
    const answer = await response.text();
    if (retry < retries && shouldRetry(response)) {
      const wait = retryWait(response, retry + 1);
      beforeRetry(wait); // the next attempt's first-byte timeout starts after the wait, not before it
      await sleep(wait, undefined, { signal });
      continue;
    }
    let error;
    try { error = JSON.parse(answer).error; } catch { /* not the API's JSON */ }
    throw request.toError(error, response.status);
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
