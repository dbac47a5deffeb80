// responses-no-abort: on give-up it stops reading but never aborts the request, so the connection stays open while it lingers.
import { ApiError, IncompleteStream, RESPONSES, apiError, env, finish, giveUp, openStream } from './contract.mjs';

const controller = new AbortController();
const timeout = () => controller.abort(new ApiError('timeout', 'no bytes within the idle timeout, or past the total deadline'));
const total = setTimeout(timeout, env.totalMs);
let idle = setTimeout(timeout, env.firstByteMs);
const firstByte = (waitMs = 0) => { clearTimeout(idle); idle = setTimeout(timeout, waitMs + env.firstByteMs); }; // each attempt: its wait, then its headers

/** Yields [event, data] for each dispatched event. */
async function* sseEvents(body) {
  const reader = body.getReader();
  const decoder = new TextDecoder(); // drops a leading BOM
  let buf = '', skipLf = false, event = '', data = [];
  while (true) {
    const { done, value } = await reader.read();
    if (done) return;
    clearTimeout(idle);
    idle = setTimeout(timeout, env.idleMs); // any bytes reset the idle timer (comments too)
    buf += decoder.decode(value, { stream: true });
    if (skipLf && buf.startsWith('\n')) buf = buf.slice(1); // the LF of a CRLF whose CR ended the previous read
    skipLf = buf.endsWith('\r');
    const lines = buf.split(/\r\n|\r|\n/);
    buf = lines.pop(); // the unfinished last line waits for the next read
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
        clearTimeout(idle);
        clearTimeout(total);
        await giveUp(text, stopReason); // BUG: no controller.abort() first: the connection stays open while it lingers
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
