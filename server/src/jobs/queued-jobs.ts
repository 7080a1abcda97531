/**
 * Queued jobs: job rows (state pending) and their queue entries, written in the caller's
 * transaction with one statement however many there are (a job whose identity key is already
 * pending is left out). Trigger jobs (`JobRuntime.enqueueMany`) and sub-jobs (`add_job`) are
 * written here.
 */
import type { Queryable } from '../db/index.js';
import { insertQueuedJobs, type NewJob, type QueuedJobInsert } from '../history/jobs.js';
import { runJobEntries, type QueueOptions } from './queue.js';

export interface QueuedJob {
  job: NewJob;
  /** The queue entry's options (its run time is the job's). */
  queue: Pick<QueueOptions, 'priority' | 'jobKey'>;
}

export async function writeQueuedJobs(db: Queryable, queued: readonly QueuedJob[]): Promise<QueuedJobInsert[]> {
  return insertQueuedJobs(
    db,
    queued.map(({ job, queue }) => ({ job, item: queue })),
    runJobEntries,
  );
}
