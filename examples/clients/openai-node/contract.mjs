// The harness's exec contract from the client's side (docs/exec.md): the give-up count, the linger, the result file.
import { renameSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export const cancelAfter = process.env.HARNESS_CANCEL_AFTER_DELTAS ? Number(process.env.HARNESS_CANCEL_AFTER_DELTAS) : null;

export function writeResult(result) {
  const path = process.env.HARNESS_RESULT_FILE;
  writeFileSync(`${path}.tmp`, JSON.stringify(result));
  renameSync(`${path}.tmp`, path);
}

export const linger = () => sleep(Number(process.env.HARNESS_LINGER_MS ?? 0));

// What a user reports when the SDK throws: the error's class name (APIError, APIConnectionError...) and message.
export function failed(text, stopReason, err) {
  writeResult({ text, stop_reason: stopReason, error: { type: err?.constructor?.name ?? 'Error', message: String(err?.message ?? err) } });
  console.error(String(err?.message ?? err));
  process.exitCode = 1;
}
