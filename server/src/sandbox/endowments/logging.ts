/**
 * `log`, `log_transmission` and the `LOG_*` level names. Log entries are fire-and-forget for task
 * code; the worker posts them in order and the host delivers them before the job's outcome.
 */
import type { LogEntry, LogLevel } from '../protocol.js';

export const logLevelNames = {
  LOG_DEBUG: 'debug',
  LOG_INFO: 'info',
  LOG_WARNING: 'warning',
  LOG_ERROR: 'error',
  LOG_CRITICAL: 'critical',
} as const satisfies Record<string, LogLevel>;

const levels: ReadonlySet<string> = new Set(Object.values(logLevelNames));

/** Strings as they are; errors as "Name: message"; other objects as JSON when they allow it. */
export function messageText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  if (typeof value === 'object' && value !== null) {
    try {
      const json = JSON.stringify(value);
      if (json !== undefined) return json;
    } catch {
      // falls through to String()
    }
  }
  return String(value);
}

/** Arrow functions, so freezing them hardens them (see frozenFunction in index.ts). */
export function createLogFunctions(emit: (entry: LogEntry) => void) {
  const log = (message: unknown, level: unknown = 'info', name: unknown = 'Log'): void => {
    if (typeof level !== 'string' || !levels.has(level)) {
      throw new TypeError(`log: unknown level ${messageText(level)}; use one of LOG_DEBUG, LOG_INFO, LOG_WARNING, LOG_ERROR, LOG_CRITICAL`);
    }
    emit({ level: level as LogLevel, type: 'server', name: String(name), message: messageText(message), at: Date.now() });
  };
  const log_transmission = (recipient: unknown, data: unknown): void => {
    emit({ level: 'info', type: 'data_out', name: String(recipient), message: messageText(data), at: Date.now() });
  };
  return { log, log_transmission };
}
