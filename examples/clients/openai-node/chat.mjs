// An exec client for TinyAgent Harness (docs/exec.md): the official OpenAI TypeScript SDK (npm `openai`) streaming Chat
// Completions the way its README shows: `await client.chat.completions.create({ ..., stream: true })`, then
// `for await (const chunk of stream)` printing `chunk.choices[0]?.delta?.content`. As a careful user it also keeps the
// last `finish_reason`. The client reads OPENAI_API_KEY and OPENAI_BASE_URL from the environment by itself.
// Giving up is a `break` out of the loop, which the README names as the way to cancel a stream.
import OpenAI from 'openai';
import { cancelAfter, failed, linger, writeResult } from './contract.mjs';

const client = new OpenAI();
let text = '';
let finishReason = null;
let deltas = 0;
let gaveUp = false;

try {
  const stream = await client.chat.completions.create({
    model: 'gpt-4o',
    messages: [{ role: 'user', content: 'Hello' }],
    stream: true,
  });
  for await (const chunk of stream) {
    const content = chunk.choices[0]?.delta?.content || '';
    process.stdout.write(content);
    text += content;
    finishReason = chunk.choices[0]?.finish_reason ?? finishReason;
    if (content && ++deltas === cancelAfter) {
      gaveUp = true;
      break;
    }
  }
  writeResult({ text, stop_reason: gaveUp ? null : finishReason, error: null });
  if (gaveUp) {
    await linger();
  }
} catch (err) {
  failed(text, finishReason, err);
}
