// responses-no-buffer: parses each read on its own with no carried buffer, so a frame cut across reads is parsed as if complete.
import { ApiError, IncompleteStream, RESPONSES, apiError, env, finish, giveUp, openStream } from './contract.mjs';

const controller = new AbortController();
const timeout = () => controller.abort(new ApiError('timeout', 'no bytes within the idle timeout, or past the total deadline'));
const total = setTimeout(timeout, env.totalMs);
let idle = setTimeout(timeout, env.firstByteMs);
const firstByte = (waitMs = 0) => { clearTimeout(idle); idle = setTimeout(timeout, waitMs + env.firstByteMs); }; // each attempt: its wait, then its headers

/** Yields [event, data] for each dispatched event. */
async function* sseEvents(body) {
  const reader = body.getReader();
  let event = '', data = [];
  while (true) {
    const { done, value } = await reader.read();
    if (done) return;
    clearTimeout(idle);
    idle = setTimeout(timeout, env.idleMs); // any bytes reset the idle timer (comments too)
    const lines = new TextDecoder().decode(value).split(/\r\n|\r|\n/); // BUG: no carried buffer: a cut line is taken as whole
    if (!lines.at(-1)) lines.pop(); // the read ended with a line ending
    for (const line of lines) {
      if (!line) {
        if (data.length) yield [event || 'message', data.join('\n')];
        event = '';
        data = [];
      } else if (!line.startsWith(':')) {
        const colon = line.indexOf(':');
        const name = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + (line[colon + 1] === ' ' ? 2 : 1));
        if (name === 'event') event = value;
        else if (name === 'data') data.push(value);
      }
    }
  }
}

let text = '', stopReason = null, deltas = 0;
try {
  const response = await openStream(RESPONSES, controller.signal, firstByte);
  for await (const [event, data] of sseEvents(response.body)) {
    if (data === '[DONE]') continue; // a gateway's marker: only the response's own ending counts
    const payload = JSON.parse(data);
    const kind = event !== 'message' ? event : payload.type; // the JSON repeats the event's name
    if (kind === 'response.output_text.delta') {
      text += payload.delta;
      if (++deltas === env.cancelAfter) {
        controller.abort();
        clearTimeout(idle);
        clearTimeout(total);
        await giveUp(text, stopReason);
      }
    } else if (kind === 'error') {
      const nested = payload.error; // live traffic nests it; the reference documents it flat
      const flat = { code: payload.code, message: payload.message };
      throw apiError(nested !== null && typeof nested === 'object' ? nested : flat, 'error');
    } else if (kind === 'response.failed') {
      const error = payload.response.error ?? {};
      throw new ApiError(error.code || 'failed', error.message ?? '');
    } else if (kind === 'response.completed' || kind === 'response.incomplete') {
      const { response } = payload;
      stopReason = response.incomplete_details?.reason || response.status || null;
      finish(text, stopReason);
    }
  }
  throw new IncompleteStream('the stream ended before response.completed or response.incomplete');
} catch (err) {
  finish(text, stopReason, controller.signal.aborted ? controller.signal.reason : err);
}
