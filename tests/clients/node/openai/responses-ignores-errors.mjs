// responses-ignores-errors: no branch for `event: error` or response.failed, and any end of the body (clean, reset or cut)
// ends the answer normally: an error or a drop comes back as a complete answer, exit 0.
import { ApiError, RESPONSES, env, finish, giveUp, openStream } from './contract.mjs';

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
    let chunk;
    try {
      chunk = await reader.read();
    } catch (err) {
      if (controller.signal.aborted) throw err; // our timeout
      return; // a reset or a cut body is taken as the end of the answer
    }
    const { done, value } = chunk;
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
        controller.abort();
        clearTimeout(idle);
        clearTimeout(total);
        await giveUp(text, stopReason);
      }
    } else if (kind === 'response.completed' || kind === 'response.incomplete') {
      const { response } = payload;
      stopReason = response.incomplete_details?.reason || response.status || null;
      finish(text, stopReason);
    }
  }
  finish(text, stopReason); // BUG: whatever ended the stream (error event, response.failed, reset, cut), it is a complete answer
} catch (err) {
  finish(text, stopReason, controller.signal.aborted ? controller.signal.reason : err);
}
