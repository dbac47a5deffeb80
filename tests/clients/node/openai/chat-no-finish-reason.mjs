// chat-no-finish-reason: never reads finish_reason, so stop_reason is always reported as null and a `length` cut looks complete.
import { ApiError, CHAT, IncompleteStream, apiError, env, finish, giveUp, openStream } from './contract.mjs';

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

let text = '', finishReason = null, deltas = 0; // BUG: finishReason stays null: choices[].finish_reason is never read
try {
  const response = await openStream(CHAT, controller.signal, firstByte);
  for await (const [, data] of sseEvents(response.body)) {
    if (data === '[DONE]') finish(text, finishReason);
    const chunk = JSON.parse(data);
    if (chunk.error) throw apiError(chunk.error, 'error');
    for (const choice of chunk.choices ?? []) { // none in Azure's first chunk and in the usage chunk
      if ((choice.index ?? 0) !== 0) continue;
      const content = choice.delta?.content; // Azure's filter chunks have no delta
      if (content) {
        text += content;
        if (++deltas === env.cancelAfter) {
          controller.abort();
          clearTimeout(idle);
          clearTimeout(total);
          await giveUp(text, finishReason);
        }
      }
    }
  }
  throw new IncompleteStream('the stream ended before data: [DONE]');
} catch (err) {
  finish(text, finishReason, controller.signal.aborted ? controller.signal.reason : err);
}
