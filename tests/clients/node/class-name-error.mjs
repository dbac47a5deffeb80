// class-name-error: reports the exception class name (ApiError, TypeError) as error.type instead of the API's error type.
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
  let buf = '', skipLf = false, event = '', data = [];
  while (true) {
    const { done, value } = await reader.read();
    if (done) return;
    clearTimeout(idle);
    idle = setTimeout(timeout, env.idleMs); // any bytes reset the idle timer (pings and comments too)
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
  const error = controller.signal.aborted ? controller.signal.reason : err;
  finish(text, stopReason, error, error.name); // BUG: "ApiError", not error.type ("overloaded_error")
}
