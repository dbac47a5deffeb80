// An exec client for TinyAgent Harness (docs/exec.md): the official TypeScript SDK, used the way its helpers
// documentation shows: client.messages.stream(...), on('text') to print deltas, finalMessage() for the answer.
// The client reads ANTHROPIC_API_KEY and ANTHROPIC_BASE_URL from the environment by itself.
// On give-up (HARNESS_CANCEL_AFTER_DELTAS) the user calls stream.abort(), the SDK's documented way to cancel.
import Anthropic from '@anthropic-ai/sdk';
import { renameSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const cancelAfter = process.env.HARNESS_CANCEL_AFTER_DELTAS ? Number(process.env.HARNESS_CANCEL_AFTER_DELTAS) : null;
const lingerMs = Number(process.env.HARNESS_LINGER_MS ?? 0);

function writeResult(result) {
  const path = process.env.HARNESS_RESULT_FILE;
  writeFileSync(`${path}.tmp`, JSON.stringify(result));
  renameSync(`${path}.tmp`, path);
}

const client = new Anthropic();
let text = '';
let deltas = 0;
let gaveUp = false;

const stream = client.messages.stream({
  model: 'claude-sonnet-4-5',
  max_tokens: 1024,
  messages: [{ role: 'user', content: 'Hello' }],
});
stream.on('text', (delta) => {
  process.stdout.write(delta);
  text += delta;
  if (++deltas === cancelAfter) {
    gaveUp = true;
    stream.abort();
  }
});

try {
  const message = await stream.finalMessage();
  writeResult({ text, stop_reason: message.stop_reason ?? null, error: null });
} catch (err) {
  if (gaveUp && err instanceof Anthropic.APIUserAbortError) {
    writeResult({ text, stop_reason: null, error: null });
    await sleep(lingerMs);
  } else {
    writeResult({
      text,
      stop_reason: stream.currentMessage?.stop_reason ?? null,
      error: { type: err?.constructor?.name ?? 'Error', message: String(err?.message ?? err) },
    });
    console.error(String(err?.message ?? err));
    process.exitCode = 1;
  }
}
