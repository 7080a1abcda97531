/**
 * Queued jobs: job rows (state pending) and their queue entries, written in the caller's
 * transaction with a few statements however many there are — the rows in one insert (a job whose
 * identity key is already pending is left out), the entries with one `add_jobs`, their ids with
 * one update. Trigger jobs (`JobRuntime.enqueueMany`) and sub-jobs (`add_job`) are written here.
 */
import type { Queryable } from '../db/index.js';
import { insertQueuedJobs, setQueueJobIds, type NewJob, type QueuedJobInsert } from '../history/jobs.js';
import { addQueueJobs, RUN_JOB, type QueueOptions } from './queue.js';

export interface QueuedJob {
  job: NewJob;
  /** The queue entry's options (its run time is the job's). */
  queue: Pick<QueueOptions, 'priority' | 'jobKey'>;
}

export async function writeQueuedJobs(db: Queryable, queued: readonly QueuedJob[]): Promise<QueuedJobInsert[]> {
  const inserted = await insertQueuedJobs(
    db,
    queued.map((q) => q.job),
  );
  const written = queued.flatMap(({ job, queue }, index) => {
    const result = inserted[index]!;
    return 'jobId' in result ? [{ jobId: result.jobId, runAt: job.runAt ?? undefined, ...queue }] : [];
  });
  const queueJobIds = await addQueueJobs(
    db,
    written.map(({ jobId, ...options }) => ({ identifier: RUN_JOB, payload: { jobId }, ...options })),
  );
  await setQueueJobIds(
    db,
    written.map((w) => w.jobId),
    queueJobIds,
  );
  return inserted;
}
