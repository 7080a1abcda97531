/**
 * Outcomes of runs stopped from outside: over their time limit, in a worker that ran out of memory,
 * or collateral (in a worker stopped because of another run; the caller may requeue those).
 */
import type { RunOutcome } from '../protocol.js';

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const limitSeconds = (ms: number) => `${Number((ms / 1000).toFixed(3))} s`;

type Failure = Extract<RunOutcome, { ok: false }>;

export function timeLimitOutcome(timeoutMs: number, durationMs: number): Failure {
  return {
    ok: false,
    durationMs,
    limit: 'time',
    error: {
      name: 'TimeLimitError',
      message: `time limit of ${limitSeconds(timeoutMs)} exceeded after ${seconds(durationMs)}`,
      retryable: false,
    },
  };
}

export function memoryLimitOutcome(memoryMb: number, durationMs: number): Failure {
  return {
    ok: false,
    durationMs,
    limit: 'memory',
    error: { name: 'MemoryLimitError', message: `memory limit of ${memoryMb} MB exceeded after ${seconds(durationMs)}`, retryable: false },
  };
}

export function collateralOutcome(reason: string, durationMs: number): Failure {
  return {
    ok: false,
    durationMs,
    limit: 'collateral',
    error: {
      name: 'WorkerStoppedError',
      message: `the sandbox worker running this job was stopped: ${reason}; the job can run again`,
      retryable: false,
    },
  };
}
