/**
 * Cron triggers as a trigger kind: the scheduler's queue handlers, rescheduling on changes,
 * the queue jobs put right at start, and Run Now as a queued job.
 */
import type { SyncJobRuntime } from '../../jobs/index.js';
import type { TriggerKindModule } from '../kind.js';
import { CronScheduler, type CronSchedulerOptions } from './scheduler.js';

export interface CronTriggerKind extends TriggerKindModule {
  readonly scheduler: CronScheduler;
}

export function cronTriggerKind(options: CronSchedulerOptions): CronTriggerKind {
  const scheduler = new CronScheduler(options);
  return {
    kind: 'cron',
    scheduler,
    register: (runtime: SyncJobRuntime) => scheduler.register(runtime),
    onProjectChange: scheduler.onChange,
    start: async () => {
      await scheduler.reconcile();
    },
    runNow: async ({ spec }) => {
      const { jobId } = await options.jobs.enqueue(spec);
      return { status: 202, jobId, state: 'pending' };
    },
    stop: () => scheduler.idle(),
  };
}
