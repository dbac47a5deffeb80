// An exec client for TinyAgent Harness (docs/exec.md): the official OpenAI TypeScript SDK (npm `openai`) streaming the
// Responses API the way its README shows: `await client.responses.create({ ..., stream: true })`, then
// `for await (const event of stream)`, printing `response.output_text.delta` events. As a careful user it reports the
// ending it saw: `response.completed` as `completed`, `response.incomplete` by its `incomplete_details.reason`, and
// `response.failed` as an error. The client reads OPENAI_API_KEY and OPENAI_BASE_URL from the environment by itself.
// Giving up is a `break` out of the loop.
import OpenAI from 'openai';
import { cancelAfter, failed, linger, writeResult } from './contract.mjs';

const client = new OpenAI();
let text = '';
let stopReason = null;
let deltas = 0;
let gaveUp = false;

try {
  const stream = await client.responses.create({ model: 'gpt-4o', input: 'Hello', stream: true });
  for await (const event of stream) {
    if (event.type === 'response.output_text.delta') {
      process.stdout.write(event.delta);
      text += event.delta;
      if (++deltas === cancelAfter) {
        gaveUp = true;
        break;
      }
    } else if (event.type === 'response.completed' || event.type === 'response.incomplete') {
      stopReason = event.response.incomplete_details?.reason ?? event.response.status;
    } else if (event.type === 'response.failed') {
      const error = event.response.error;
      writeResult({ text, stop_reason: null, error: { type: error?.code ?? 'response.failed', message: error?.message ?? '' } });
      console.error(error?.message ?? 'response.failed');
      process.exit(1);
    }
  }
  writeResult({ text, stop_reason: gaveUp ? null : stopReason, error: null });
  if (gaveUp) {
    await linger();
  }
} catch (err) {
  failed(text, stopReason, err);
}
