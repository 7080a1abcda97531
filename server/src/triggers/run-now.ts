/**
 * Run Now's one way of starting a job at once, for the kinds that run on demand (manual triggers,
 * DB triggers on chosen records): it answers as soon as the job exists (202, with where to follow
 * its log) or, asked to wait, when it has finished (201, with its state, its result as stored —
 * secret values redacted — and its error).
 */
import type { Pool } from '../db/index.js';
import { getJob } from '../history/index.js';
import type { JobRuntime, TriggerJobSpec } from '../jobs/index.js';
import type { Logger } from '../shared/logger.js';
import type { RunNowAnswer } from './kind.js';

export interface StartNowDeps {
  pool: Pool;
  jobs: Pick<JobRuntime, 'startNow'>;
  logger: Logger;
}

export async function startAndAnswer(deps: StartNowDeps, spec: TriggerJobSpec, wait: boolean): Promise<RunNowAnswer> {
  const started = await deps.jobs.startNow(spec);
  if (!wait) {
    started.outcome.catch((error: unknown) => deps.logger.error({ err: error, jobId: started.jobId }, 'Run Now: the job could not run'));
    return { status: 202, jobId: started.jobId, state: 'started' };
  }
  const { jobId, state, error } = await started.outcome;
  const { result } = await getJob(deps.pool, jobId);
  return { status: 201, jobId, state, result, ...(error ? { error } : {}) };
}
