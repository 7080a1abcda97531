/**
 * Writes that carry what only this process knows (a job's final state and last log lines) wait
 * out a PostgreSQL restart instead of losing it: they are tried again, with backoff, while the
 * error says the database is away, for at most `maxWaitMs`. Any other error fails at once.
 */
import pRetry from 'p-retry';
import type { Logger } from '../shared/logger.js';

/** Connection exceptions (class 08), shutdown and start-up (57P01–57P03), and the socket errors of a server that is gone. */
const AWAY_SQLSTATES = /^(08...|57P0[123])$/;
const AWAY_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN']);
const AWAY_MESSAGES = /Connection terminated|not queryable|timeout exceeded when trying to connect/i;

export function isDatabaseAway(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (AWAY_SQLSTATES.test(code) || AWAY_ERRNOS.has(code))) return true;
  return typeof message === 'string' && AWAY_MESSAGES.test(message);
}

/** The database cannot be used as configured: away, or it refuses who or what DATABASE_URL names (a wrong password, role or database name). */
export function isDatabaseUnusable(error: unknown): boolean {
  const { code } = (error ?? {}) as { code?: unknown };
  return isDatabaseAway(error) || (typeof code === 'string' && /^(28...|3D000)$/.test(code));
}

export interface OutageOptions {
  logger: Logger;
  /** What is being written, for the log line. */
  what: string;
  maxWaitMs?: number;
}

/** Writes once; only a write that failed because the database is away is retried (the usual write pays nothing extra). */
export async function waitOutOutage<T>(write: () => Promise<T>, options: OutageOptions): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (!isDatabaseAway(error)) throw error;
    options.logger.warn({ err: error }, `${options.what}: the database is away; waiting for it`);
    return pRetry(write, {
      retries: Number.POSITIVE_INFINITY,
      minTimeout: 100,
      maxTimeout: 2000,
      maxRetryTime: options.maxWaitMs ?? 5 * 60_000,
      shouldRetry: ({ error: next }) => isDatabaseAway(next),
    });
  }
}
