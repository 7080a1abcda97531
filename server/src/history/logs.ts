/**
 * Job log rows: buffered and written in multi-row inserts (a job's lines are flushed before its
 * state is written, and at most every few milliseconds while it runs, so a live view sees them).
 * Very long messages are capped with a marker, never dropped.
 */
import { columnNames, pgText, unnestSql, unnestValues, type Column, type Pool, type Queryable } from '../db/index.js';
import type { LogEntry } from '../sandbox/protocol.js';
import type { Logger } from '../shared/logger.js';

// Levels and types are those task code logs with (the sandbox's message contract).
export { logLevels, logTypes, type LogLevel, type LogType } from '../sandbox/protocol.js';

/** A line of a job's log: its level, type, name and message. */
export type LogLine = Pick<LogEntry, 'level' | 'type' | 'name' | 'message'>;

/** A row of the log table to write: a line and whose it is. */
export interface LogRow extends LogLine {
  jobId: number | null;
  projectId: number | null;
  taskId: number | null;
  triggerKind: string | null;
  triggerId: number | null;
  /** When the line was logged; the time it is written when absent. */
  createdAt?: Date;
}

export const MAX_LOG_MESSAGE = 64 * 1024;
/** Lines kept in memory while the database cannot be written; older ones are dropped beyond this. */
const MAX_PENDING_LINES = 50_000;
const RETRY_MS = 1000;

export function capMessage(message: string, max = MAX_LOG_MESSAGE): string {
  if (message.length <= max) return message;
  return `${message.slice(0, max)}\n… [truncated: ${message.length - max} more characters]`;
}

export class LogWriter {
  private buffer: LogRow[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly pool: Pool,
    private readonly logger: Logger,
    private readonly flushDelayMs = 100,
  ) {}

  write(entry: LogRow): void {
    this.buffer.push({
      ...entry,
      message: capMessage(entry.message),
      name: entry.name.slice(0, 200),
      createdAt: entry.createdAt ?? new Date(),
    });
    if (this.buffer.length >= 500) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.flushDelayMs);
  }

  /**
   * Removes and returns the lines of one job still buffered, once every flush already under way
   * has landed (so the caller can insert them together with the job's final state, in order).
   */
  async take(jobId: number): Promise<LogRow[]> {
    // A flush that started while this one was awaited (the timer, or 500 lines) holds lines of
    // the job too: wait until no flush is under way, then take what is left.
    let landed: Promise<void>;
    do {
      landed = this.flushing;
      await landed;
    } while (landed !== this.flushing);
    const mine = this.buffer.filter((e) => e.jobId === jobId);
    if (mine.length > 0) this.buffer = this.buffer.filter((e) => e.jobId !== jobId);
    return mine;
  }

  /** Writes everything buffered so far; resolves when it is in the database. */
  flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.buffer;
    this.buffer = [];
    this.flushing = this.flushing.then(() => (batch.length === 0 ? undefined : this.insert(batch)));
    return this.flushing;
  }

  private async insert(batch: LogRow[]): Promise<void> {
    try {
      await this.pool.query({ name: 'sync_studio_insert_logs', text: insertLogsSql(1), values: logValues(batch) });
    } catch (error) {
      // The database is away (restarting): keep the lines and try again shortly, up to a bound.
      const room = Math.max(0, MAX_PENDING_LINES - this.buffer.length);
      const kept = room === 0 ? [] : batch.slice(-room);
      this.buffer = [...kept, ...this.buffer];
      this.logger.error(
        { err: error, lines: batch.length, dropped: batch.length - kept.length },
        'writing job log lines failed; will retry',
      );
      this.timer ??= setTimeout(() => void this.flush(), RETRY_MS);
    }
  }
}

/** The columns a log line is written with; `insertLogsSql` takes one parameter per column. */
export const logColumns: readonly Column<LogRow>[] = [
  { name: 'job_id', type: 'bigint', value: (e) => e.jobId },
  { name: 'project_id', type: 'bigint', value: (e) => e.projectId },
  { name: 'task_id', type: 'bigint', value: (e) => e.taskId },
  { name: 'trigger_kind', type: 'text', value: (e) => e.triggerKind },
  { name: 'trigger_id', type: 'bigint', value: (e) => e.triggerId },
  { name: 'level', type: 'text', value: (e) => e.level },
  { name: 'type', type: 'text', value: (e) => e.type },
  { name: 'name', type: 'text', value: (e) => e.name },
  { name: 'message', type: 'text', value: (e) => pgText(e.message) },
  // A line without its own time gets the time it is written.
  { name: 'created_at', type: 'timestamptz', value: (e) => e.createdAt ?? new Date() },
];

/** `insert into log … select from unnest(…)` with parameters from `first` on: usable inside a larger statement. */
export function insertLogsSql(first: number): string {
  return `insert into sync_studio.log (${columnNames(logColumns)}) select * from ${unnestSql(logColumns, first, 'l')}`;
}

/** Writes log lines at once (not buffered): lines that must commit with the caller's transaction. */
export async function insertLogs(db: Queryable, entries: readonly LogRow[]): Promise<void> {
  await db.query(insertLogsSql(1), logValues(entries.map((entry) => ({ ...entry, message: capMessage(entry.message) }))));
}

/** The parameters `insertLogsSql` expects, one array per column. */
export function logValues(batch: readonly LogRow[]): unknown[] {
  return unnestValues(logColumns, batch);
}
