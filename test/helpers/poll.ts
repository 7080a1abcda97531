/**
 * Waiting for something another process or the queue does: `pollUntil` calls `probe` every
 * `intervalMs` until it returns a value (anything but `undefined` or `false`) and resolves with it,
 * or rejects after `timeoutMs` with an error naming what was awaited. Every wait in tests and
 * benchmarks goes through it, so none can hang without a deadline.
 */
import pWaitFor from 'p-wait-for';

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
  return pWaitFor<T>(
    async () => {
      const value = await probe();
      return value === undefined || value === false ? false : pWaitFor.resolveWith(value);
    },
    {
      interval: options.intervalMs ?? 25,
      timeout: {
        milliseconds: timeoutMs,
        fallback: () => {
          throw new Error(`timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : what()}`);
        },
      },
    },
  );
}
