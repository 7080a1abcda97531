/**
 * Sub-jobs (`add_job` in task code) created by group commit: requests that arrive while a batch is
 * being written wait and go together in the next one, so a handler that fans out thousands of
 * sub-jobs costs a few transactions instead of one each. One batch is in flight at a time, so
 * sub-jobs are created in the order task code asked for them (their ids ascend in that order).
 *
 * A batch is one transaction: the identity keys it carries are locked (so a pending job with the
 * same key, of this sidecar or another, is seen), the job rows are inserted (duplicates of a
 * pending key left out), their queue entries added, and the entries' ids recorded. Queue entries
 * commit with the rows, so any sidecar on the database may run any of them, once.
 */
import { withTransaction, type Pool } from '../db/index.js';
import { lockIdentityKeys, type NewJob, type QueuedJobInsert } from '../history/jobs.js';
import { Batcher } from '../shared/batcher.js';
import { writeQueuedJobs } from './queued-jobs.js';

export interface SubJob {
  job: NewJob;
  /** The queue entry's priority (graphile-worker: lower runs first); the requested one, else 0 like other queued jobs. */
  queuePriority: number | undefined;
}

export class SubJobWriter {
  private readonly batcher = new Batcher<SubJob, QueuedJobInsert>((jobs) => this.write(jobs), { maxInFlight: 1, maxBatch: 1000 });

  constructor(private readonly pool: Pool) {}

  /** Creates the job (state pending) with its queue entry; call order is creation order. */
  create(subJob: SubJob): Promise<QueuedJobInsert> {
    return this.batcher.add(subJob);
  }

  private write(subJobs: SubJob[]): Promise<QueuedJobInsert[]> {
    const jobs = subJobs.map((subJob) => subJob.job);
    return withTransaction(this.pool, async (db) => {
      await lockIdentityKeys(db, jobs);
      const inserted = await writeQueuedJobs(
        db,
        subJobs.map(({ job, queuePriority }) => ({ job, queue: { priority: queuePriority } })),
      );
      return inserted;
    });
  }
}
