/**
 * The queue: graphile-worker in the same database. Sync Studio registers its queue-job handlers
 * here (`sync_studio.run_job`, the cron scheduler's tick, housekeeping) and enqueues with
 * graphile-worker's `add_job` SQL function, so a queue entry commits atomically with whatever
 * the caller writes in the same transaction.
 */
import {
  Logger as GraphileLogger,
  run,
  runMigrations,
  makeWorkerUtils,
  type Runner,
  type Task,
  type WorkerUtils,
  type ParsedCronItem,
} from 'graphile-worker';
import type { Pool, Queryable } from '../db/index.js';
import type { QueueEntries } from '../history/jobs.js';
import type { Logger } from '../shared/logger.js';

/** The queue-job handler that runs a Sync Studio job (payload `{ jobId }`). */
export const RUN_JOB = 'sync_studio.run_job';

export type QueueHandler = (payload: unknown, helpers: { job: { id: string; attempts: number } }) => Promise<void>;

export interface QueueOptions {
  runAt?: Date;
  jobKey?: string;
  priority?: number;
  /** Attempts graphile-worker makes when a handler throws (infrastructure failures only). */
  maxAttempts?: number;
  /** With a job key: 'replace' (default) updates the waiting job; 'preserve_run_at' keeps its time. */
  jobKeyMode?: 'replace' | 'preserve_run_at' | 'unsafe_dedupe';
}

/** Attempts graphile-worker makes of a queue entry unless told otherwise. */
const DEFAULT_MAX_ATTEMPTS = 10;

export async function installQueue(pool: Pool): Promise<void> {
  await runMigrations({ pgPool: pool, logger: silentLogger() });
}

/** Adds a queue job inside `db`'s transaction; returns the queue job id. */
export async function addQueueJob(db: Queryable, identifier: string, payload: unknown, options: QueueOptions = {}): Promise<string> {
  const { rows } = await db.query<{ id: string }>(
    `select id::text from graphile_worker.add_job($1::text, $2::json, run_at => $3::timestamptz, max_attempts => $4::int,
       job_key => $5::text, priority => $6::int, job_key_mode => $7::text)`,
    [
      identifier,
      JSON.stringify(payload),
      options.runAt ?? null,
      options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
      options.jobKey ?? null,
      options.priority ?? 0,
      options.jobKeyMode ?? 'replace',
    ],
  );
  return rows[0]!.id;
}

/**
 * The queue entries of Sync Studio jobs being inserted (`insertQueuedJobs`): one `run_job` entry
 * per job (payload `{ jobId }`, the job's run time), added with one call of graphile-worker's
 * `add_jobs` in the statement that inserts the jobs, which records each entry's id on its job.
 */
export const runJobEntries: QueueEntries<Pick<QueueOptions, 'priority' | 'jobKey'>> = {
  name: 'run_job',
  sql: (first) => `select (q.payload ->> 'jobId')::bigint as job_id, q.id::text as queue_job_id
      from graphile_worker.add_jobs(array(
        select json_populate_record(null::graphile_worker.job_spec, json_build_object(
                 'identifier', '${RUN_JOB}', 'payload', json_build_object('jobId', f.id), 'run_at', f.run_at,
                 'max_attempts', ${DEFAULT_MAX_ATTEMPTS}, 'job_key', e.job_key, 'priority', e.priority))
          from fresh f join unnest($${first}::int[], $${first + 1}::text[]) with ordinality as e(priority, job_key, ord) using (ord)
         order by f.ord)) q`,
  values: (items) => [items.map((item) => item.priority ?? 0), items.map((item) => item.jobKey ?? null)],
};

/** Removes a waiting queue job by its key (e.g. a cron trigger that was deleted). */
export async function removeQueueJob(db: Queryable, jobKey: string): Promise<void> {
  await db.query('select graphile_worker.remove_job($1)', [jobKey]);
}

export interface QueueRunner {
  utils: WorkerUtils;
  stop(): Promise<void>;
}

export async function startQueueRunner(
  pool: Pool,
  handlers: Record<string, QueueHandler>,
  options: { concurrency: number; cron: ParsedCronItem[]; logger: Logger; pollIntervalMs?: number },
): Promise<QueueRunner> {
  const taskList: Record<string, Task> = {};
  for (const [name, handler] of Object.entries(handlers)) {
    taskList[name] = (payload, helpers) => handler(payload, { job: { id: String(helpers.job.id), attempts: helpers.job.attempts } });
  }
  const runner: Runner = await run({
    pgPool: pool,
    concurrency: options.concurrency,
    taskList,
    parsedCronItems: options.cron,
    noHandleSignals: true,
    pollInterval: options.pollIntervalMs ?? 1000,
    logger: graphileLogger(options.logger),
    preset: { worker: { localQueue: { size: Math.max(16, options.concurrency * 4) }, completeJobBatchDelay: 2, failJobBatchDelay: 2 } },
  });
  // graphile-worker ends its runner when it cannot stop cleanly (PostgreSQL went away while jobs
  // waited in its local queue) and asks library users to watch `runner.promise`: said here, once,
  // rather than left as an unhandled rejection that would end the process.
  runner.promise.catch((error: unknown) => options.logger.error({ err: error }, 'the job queue runner ended with an error'));
  const utils = await makeWorkerUtils({ pgPool: pool, logger: silentLogger() });
  return {
    utils,
    stop: async () => {
      // Its error, if any, was reported by the handler above.
      await runner.stop().catch(() => undefined);
      await utils.release();
    },
  };
}

function graphileLogger(logger: Logger): GraphileLogger {
  return new GraphileLogger(() => (level, message, meta) => {
    const method = level === 'error' ? 'error' : level === 'warning' ? 'warn' : 'debug';
    logger[method]({ component: 'graphile-worker', ...meta }, message);
  });
}

function silentLogger(): GraphileLogger {
  return new GraphileLogger(() => () => undefined);
}
