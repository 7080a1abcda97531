/**
 * Describes whatever task code threw (an Error, a string, null, a Symbol, a hostile object whose
 * getters or toString throw, a Proxy…) as plain data, without letting a second throw escape.
 */
import type { ErrorDescription } from '../protocol.js';
import { RetryableJobError } from '../endowments/errors.js';

function attempt<T>(read: () => T, fallback: T): T {
  try {
    return read();
  } catch {
    return fallback;
  }
}

function text(value: unknown): string | undefined {
  return attempt(() => (value === undefined ? undefined : String(value)), undefined);
}

/** Keeps the stack's frames in task and common code; the worker's own frames name server paths. */
function userFrames(stack: string | undefined): string | undefined {
  if (stack === undefined) return undefined;
  return stack
    .split('\n')
    .filter((line, index) => index === 0 || !/\((?:file|node):|^\s*at (?:file|node):/.test(line))
    .join('\n');
}

export function describeThrown(thrown: unknown): ErrorDescription {
  return attempt(() => describe(thrown), { name: 'Error', message: 'task code threw a value that cannot be described', retryable: false });
}

function describe(thrown: unknown): ErrorDescription {
  if (thrown === null || thrown === undefined) {
    return { name: 'Error', message: `task code threw ${String(thrown)} instead of an Error`, retryable: false };
  }
  if (typeof thrown === 'symbol') {
    return { name: 'Error', message: `task code threw ${thrown.toString()} instead of an Error`, retryable: false };
  }
  if (typeof thrown !== 'object' && typeof thrown !== 'function') {
    return { name: 'Error', message: String(thrown), retryable: false };
  }
  const isError = attempt(() => thrown instanceof Error, false);
  if (!isError) {
    const shown =
      attempt(() => JSON.stringify(thrown), undefined) ??
      text(thrown) ??
      attempt(() => Object.prototype.toString.call(thrown), typeof thrown);
    return { name: 'Error', message: `task code threw a non-Error value: ${shown}`, retryable: false };
  }
  const error = thrown as Error;
  const name = text(attempt(() => error.name, undefined)) ?? 'Error';
  const message = text(attempt(() => error.message, undefined)) ?? '';
  const stack = userFrames(text(attempt(() => error.stack, undefined)));
  const description: ErrorDescription = { name, message, retryable: false, ...(stack ? { stack } : {}) };
  if (attempt(() => thrown instanceof RetryableJobError, false)) {
    description.retryable = true;
    const seconds = attempt(() => (thrown as RetryableJobError).seconds, undefined);
    if (typeof seconds === 'number' && seconds >= 0) description.retryAfterSeconds = seconds;
  }
  return description;
}
