// An exec client for TinyAgent Harness (docs/exec.md): the article's streaming loop, as written there
// (fetch, a reader, TextDecoder, split("\n\n"), pop(), parse the data: line, print text deltas, stop_reason from
// message_delta), plus the article's fix for the ghost stream: an AbortController, aborted when the user leaves.
// No dependencies: Node 20 has fetch.
import { renameSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const cancelAfter = process.env.HARNESS_CANCEL_AFTER_DELTAS ? Number(process.env.HARNESS_CANCEL_AFTER_DELTAS) : null;
const lingerMs = Number(process.env.HARNESS_LINGER_MS ?? 0);
const baseUrl = process.env.ANTHROPIC_BASE_URL ?? 'https://api.anthropic.com';

function writeResult(result) {
  const path = process.env.HARNESS_RESULT_FILE;
  writeFileSync(`${path}.tmp`, JSON.stringify(result));
  renameSync(`${path}.tmp`, path);
}

const controller = new AbortController();
let text = '';
let stopReason = null;
let deltas = 0;
let gaveUp = false;

try {
  const response = await fetch(`${baseUrl}/v1/messages`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-api-key': process.env.ANTHROPIC_API_KEY,
      'anthropic-version': '2023-06-01',
    },
    body: JSON.stringify({
      model: 'claude-sonnet-4-5',
      max_tokens: 1024,
      stream: true,
      messages: [{ role: 'user', content: 'Hello' }],
    }),
    signal: controller.signal,
  });

  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';

  reading: while (true) {
    const { done, value } = await reader.read();
    if (done) break;

    buffer += decoder.decode(value, { stream: true });
    const messages = buffer.split('\n\n');
    buffer = messages.pop() ?? '';

    for (const message of messages) {
      const dataLine = message.split('\n').find((line) => line.startsWith('data: '));
      if (!dataLine) continue;
      const data = JSON.parse(dataLine.slice(6));

      if (data.type === 'content_block_delta' && data.delta.type === 'text_delta') {
        process.stdout.write(data.delta.text);
        text += data.delta.text;
        if (++deltas === cancelAfter) {
          // The user navigated away: the article's fix.
          gaveUp = true;
          controller.abort();
          break reading;
        }
      }

      if (data.type === 'message_delta') {
        stopReason = data.delta.stop_reason;
      }
    }
  }

  writeResult({ text, stop_reason: stopReason, error: null });
  if (gaveUp) await sleep(lingerMs);
} catch (err) {
  writeResult({ text, stop_reason: stopReason, error: { type: err?.name ?? 'Error', message: String(err?.message ?? err) } });
  console.error(String(err?.message ?? err));
  process.exitCode = 1;
}
