// lf-only: frames end only at "\n\n", so CRLF or CR line endings never end a frame (a CRLF stream yields no events).
import { ApiError, IncompleteStream, env, finish, giveUp, openStream } from './contract.mjs';

const controller = new AbortController();
const timeout = () => controller.abort(new ApiError('timeout', 'no bytes within the idle timeout, or past the total deadline'));
const total = setTimeout(timeout, env.totalMs);
let idle = setTimeout(timeout, env.firstByteMs);
const firstByte = (waitMs = 0) => { clearTimeout(idle); idle = setTimeout(timeout, waitMs + env.firstByteMs); }; // each attempt: its wait, then its headers

/** Yields [event, data] for each dispatched event. */
async function* sseEvents(body) {
  const reader = body.getReader();
  const decoder = new TextDecoder(); // drops a leading BOM
  let buf = '';
  while (true) {
    const { done, value } = await reader.read();
    if (done) return;
    clearTimeout(idle);
    idle = setTimeout(timeout, env.idleMs); // any bytes reset the idle timer (pings and comments too)
    buf += decoder.decode(value, { stream: true });
    const frames = buf.split('\n\n'); // BUG: only LF line endings: "\r\n\r\n" or "\r\r" never ends a frame
    buf = frames.pop();
    for (const frame of frames) {
      let event = '', data = [];
      for (const line of frame.split('\n')) {
        if (!line || line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const name = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + (line[colon + 1] === ' ' ? 2 : 1));
        if (name === 'event') event = value;
        else if (name === 'data') data.push(value);
      }
      if (data.length) yield [event || 'message', data.join('\n')];
    }
  }
}

let text = '', stopReason = null, deltas = 0;
try {
  const response = await openStream(controller.signal, firstByte);
  for await (const [event, data] of sseEvents(response.body)) {
    if (event === 'ping') continue;
    if (event === 'error') {
      const { error } = JSON.parse(data);
      throw new ApiError(error.type, error.message);
    }
    if (event === 'content_block_delta') {
      const { delta } = JSON.parse(data);
      if (delta.type !== 'text_delta') continue;
      text += delta.text;
      if (++deltas === env.cancelAfter) {
        controller.abort();
        clearTimeout(idle);
        clearTimeout(total);
        await giveUp(text, stopReason);
      }
    } else if (event === 'message_delta') {
      stopReason = JSON.parse(data).delta.stop_reason ?? null;
    } else if (event === 'message_stop') {
      finish(text, stopReason);
    }
  }
  throw new IncompleteStream('the stream ended before message_stop');
} catch (err) {
  finish(text, stopReason, controller.signal.aborted ? controller.signal.reason : err);
}
