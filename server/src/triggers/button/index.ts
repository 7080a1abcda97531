/**
 * Manual triggers (buttons): nothing runs them but "Run Now", which starts the job at once and
 * answers as soon as it exists (202, with where to follow its log) or, asked to wait, when it has
 * finished (201, with its state, its result as stored — secret values redacted — and its error).
 */
import type { Pool } from '../../db/index.js';
import { getJob } from '../../history/index.js';
import type { JobRuntime } from '../../jobs/index.js';
import type { Logger } from '../../shared/logger.js';
import type { TriggerKindModule } from '../kind.js';

export interface ButtonTriggerKindOptions {
  pool: Pool;
  jobs: Pick<JobRuntime, 'startNow'>;
  logger: Logger;
}

export function buttonTriggerKind(options: ButtonTriggerKindOptions): TriggerKindModule {
  return {
    kind: 'button',
    register: () => undefined,
    start: async () => undefined,
    runNow: async ({ spec, wait }) => {
      const started = await options.jobs.startNow(spec);
      if (!wait) {
        started.outcome.catch((error: unknown) =>
          options.logger.error({ err: error, jobId: started.jobId }, 'Run Now: the job could not run'),
        );
        return { status: 202, jobId: started.jobId, state: 'started' };
      }
      const { jobId, state, error } = await started.outcome;
      const { result } = await getJob(options.pool, jobId);
      return { status: 201, jobId, state, result, ...(error ? { error } : {}) };
    },
    stop: async () => undefined,
  };
}
