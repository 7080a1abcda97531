/**
 * Crash recovery: every sidecar holds a session advisory lock for its instance id while it runs
 * (instance-lock.ts). At start, jobs left "started" by an instance whose lock is free were
 * interrupted by a crash: queued ones get their queue entry unlocked so they run again (the claim
 * notices and logs it), immediate ones are marked failed. Nothing stays "started" forever.
 */
import type { Pool } from '../db/index.js';
import { failInterruptedJobs, jobsStartedElsewhere } from '../history/index.js';
import type { Logger } from '../shared/logger.js';
import { isInstanceDead } from './instance-lock.js';

export interface RecoveryOptions {
  pool: Pool;
  /** This sidecar's instance id (its own started jobs are alive). */
  instanceId: number;
  /** Unlocks the queue entries graphile-worker's dead workers held (`WorkerUtils.forceUnlockWorkers`). */
  unlockWorkers(workerIds: string[]): Promise<void>;
  logger: Logger;
}

/** Jobs left "started" by a dead instance are run again (queued) or marked failed (immediate); returns how many. */
export async function recoverInterruptedJobs(options: RecoveryOptions): Promise<number> {
  const { pool } = options;
  const rows = await jobsStartedElsewhere(pool, options.instanceId);
  const dead = new Set<number | null>();
  for (const instance of new Set(rows.map((r) => r.instance_id))) {
    if (instance === null || (await isInstanceDead(pool, instance))) dead.add(instance);
  }
  const interrupted = rows.filter((r) => dead.has(r.instance_id));
  if (interrupted.length === 0) return 0;
  const immediate = interrupted.filter((r) => r.run_mode === 'immediate').map((r) => r.id);
  if (immediate.length > 0) await failInterruptedJobs(pool, immediate);
  const queueIds = interrupted.filter((r) => r.run_mode === 'queued' && r.queue_job_id !== null).map((r) => r.queue_job_id!);
  if (queueIds.length > 0) {
    const { rows: locks } = await pool.query<{ locked_by: string }>(
      'select distinct locked_by from graphile_worker.jobs where id = any($1::bigint[]) and locked_by is not null',
      [queueIds],
    );
    if (locks.length > 0) await options.unlockWorkers(locks.map((l) => l.locked_by));
  }
  options.logger.warn({ jobs: interrupted.map((r) => r.id) }, 'recovered jobs interrupted by a stopped sidecar');
  return interrupted.length;
}
