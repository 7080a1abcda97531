/**
 * Waiting for something another process or the queue does: `pollUntil` calls `probe` every
 * `intervalMs` until it returns a value (anything but `undefined` or `false`) and resolves with it,
 * or rejects once `timeoutMs` have passed with an error naming what was awaited. Every wait in
 * tests and benchmarks goes through it, so none can hang without a deadline. (p-wait-for was tried:
 * version 6 adds an abort listener per wait to one signal and warns after ten.)
 */
import { setTimeout as sleep } from 'node:timers/promises';

export interface PollOptions {
  /** Default 15 s. */
  timeoutMs?: number;
  /** Default 25 ms. */
  intervalMs?: number;
}

/** `what` names the awaited thing in the timeout error; a function is read at the deadline (e.g. to add the state last seen). */
export async function pollUntil<T>(
  what: string | (() => string),
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  options: PollOptions = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : what()}`);
    await sleep(options.intervalMs ?? 25);
  }
}
