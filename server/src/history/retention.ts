/**
 * Retention: jobs (with their logs), orphan logs and webhook journal entries older than the
 * configured number of days are deleted in batches, so pruning never holds long locks.
 */
import type { Queryable } from '../db/index.js';

const BATCH = 5000;

async function deleteInBatches(db: Queryable, sql: string, cutoff: Date): Promise<number> {
  let total = 0;
  for (;;) {
    const { rowCount } = await db.query(sql, [cutoff, BATCH]);
    total += rowCount ?? 0;
    if ((rowCount ?? 0) < BATCH) return total;
  }
}

export async function pruneHistory(
  db: Queryable,
  retentionDays: number,
  now: Date,
): Promise<{ jobs: number; logs: number; requests: number }> {
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000);
  const jobs = await deleteInBatches(
    db,
    `delete from sync_studio.job where id in (
       select id from sync_studio.job where created_at < $1 and parent_job_id is null and state not in ('pending', 'started') limit $2)`,
    cutoff,
  );
  const logs = await deleteInBatches(
    db,
    'delete from sync_studio.log where id in (select id from sync_studio.log where created_at < $1 and job_id is null limit $2)',
    cutoff,
  );
  const requests = await deleteInBatches(
    db,
    'delete from sync_studio.webhook_request where id in (select id from sync_studio.webhook_request where received_at < $1 limit $2)',
    cutoff,
  );
  return { jobs, logs, requests };
}
