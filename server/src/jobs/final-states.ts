/**
 * How a run ends: done / done_warning / failed from the worst level logged, a retry for
 * `RetryableJobError` (after the configured delays; `max_retries` attempts in all, 0 = unlimited),
 * or a re-run when the job only died because another job's overrun took its sandbox worker down.
 * The state is written with the job's last log lines in one statement; queued jobs' states commit
 * durably in batches, immediate jobs' through the immediate writer. A run that ends while
 * PostgreSQL restarts waits for it to come back: its outcome exists nowhere else.
 */
import { jsonbText, waitOutOutage, withTransaction, type Pool, type Queryable } from '../db/index.js';
import { finishJobs, giveBackAttempt, type ClaimedJob, type JobFinish, type LogLevel, type LogWriter } from '../history/index.js';
import type { RunOutcome } from '../sandbox/index.js';
import { Batcher } from '../shared/batcher.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import type { ImmediateJobWriter } from './immediate-writes.js';
import type { JobPowers } from './powers.js';
import type { JobOutcome, RunNowHooks } from './types.js';

export interface FinalStatesOptions {
  pool: Pool;
  logs: LogWriter;
  immediate: ImmediateJobWriter;
  /** Puts the job's queue entry back, to run at `runAt` (inside the transaction that writes its pending state). */
  queueAgain(db: Queryable, jobId: number, runAt: Date): Promise<void>;
  retryDelaysSeconds: readonly number[];
  clock: Clock;
  logger: Logger;
}

export class FinalStates {
  /** Final states of queued jobs commit durably: a lost one would leave its job "started" while its queue entry is gone. */
  private readonly finishes = new Batcher<JobFinish, void>(async (finishes) => {
    await finishJobs(this.options.pool, finishes);
    return finishes.map(() => undefined);
  });

  constructor(private readonly options: FinalStatesOptions) {}

  /** Writes what the sandbox run came to. */
  async settle(job: ClaimedJob, powers: JobPowers, outcome: RunOutcome, finalLines?: RunNowHooks['finalLines']): Promise<JobOutcome> {
    if (outcome.ok) {
      powers.write('debug', `Executing ${job.function}: ${(outcome.durationMs / 1000).toFixed(3)} sec`);
      powers.write('info', 'Job finished');
      return this.finish(job, powers, { state: stateFromLevel(powers.worstLevel()), result: outcome.result }, finalLines);
    }
    const { error } = outcome;
    const { clock, retryDelaysSeconds: delays } = this.options;
    if (outcome.limit === 'collateral' && job.run_mode === 'queued') {
      powers.write('warning', `${error.message}; this job is run again`);
      await giveBackAttempt(this.options.pool, job.id);
      return this.retryAt(job, powers, new Date(clock.now().getTime()), error);
    }
    if (error.retryable && job.run_mode === 'queued' && (job.max_retries === 0 || job.attempts < job.max_retries)) {
      const seconds = error.retryAfterSeconds ?? delays[Math.min(job.attempts - 1, delays.length - 1)] ?? 300;
      const runAt = new Date(clock.now().getTime() + seconds * 1000);
      powers.write(
        'warning',
        `${error.name}: ${error.message}\nattempt ${job.attempts}${job.max_retries ? ` of ${job.max_retries}` : ''} failed; retrying at ${runAt.toISOString()}`,
      );
      return this.retryAt(job, powers, runAt, error);
    }
    const gaveUp = error.retryable && job.run_mode === 'queued' ? `gave up after ${job.attempts} attempts: ` : '';
    powers.write(
      outcome.limit ? 'error' : 'critical',
      `${gaveUp}${error.stack && !outcome.limit ? error.stack : `${error.name}: ${error.message}`}`,
    );
    return this.finish(
      job,
      powers,
      {
        state: 'failed',
        error: { name: error.name, message: powers.redact(error.message), ...(outcome.limit ? { limit: outcome.limit } : {}) },
      },
      finalLines,
    );
  }

  /** Writes the job's final state with its last log lines (and the caller's final lines). */
  async finish(
    job: ClaimedJob,
    powers: JobPowers,
    outcome: Omit<JobOutcome, 'jobId'>,
    finalLines?: RunNowHooks['finalLines'],
  ): Promise<JobOutcome> {
    let finished: JobOutcome = { jobId: job.id, ...outcome };
    for (const line of finalLines?.(finished) ?? []) powers.write(line.level, line.message, line.type, line.name);
    if (outcome.state === 'done' || outcome.state === 'done_warning')
      finished = { ...finished, state: stateFromLevel(powers.worstLevel()) };
    const finish: JobFinish = {
      jobId: job.id,
      logs: await this.options.logs.take(job.id),
      state: finished.state,
      resultJson: outcome.result === undefined ? undefined : powers.redact(jsonbText(outcome.result)),
      error: outcome.error ? powers.redact(`${outcome.error.name}: ${outcome.error.message}`) : null,
    };
    await waitOutOutage(() => (job.run_mode === 'immediate' ? this.options.immediate.finish(finish) : this.finishes.add(finish)), {
      logger: this.options.logger,
      what: `writing job ${job.id}'s final state`,
    });
    return finished;
  }

  private async retryAt(job: ClaimedJob, powers: JobPowers, runAt: Date, error: { name: string; message: string }): Promise<JobOutcome> {
    const logs = await this.options.logs.take(job.id);
    const retry = () =>
      withTransaction(this.options.pool, async (db) => {
        await finishJobs(db, [{ jobId: job.id, state: 'pending', error: powers.redact(`${error.name}: ${error.message}`), runAt, logs }]);
        await this.options.queueAgain(db, job.id, runAt);
      });
    await waitOutOutage(retry, { logger: this.options.logger, what: `writing job ${job.id}'s retry` });
    return { jobId: job.id, state: 'pending', error: { name: error.name, message: powers.redact(error.message) } };
  }
}

/** A finished run's state from the worst level it logged. */
function stateFromLevel(worst: LogLevel): 'done' | 'done_warning' | 'failed' {
  return worst === 'error' || worst === 'critical' ? 'failed' : worst === 'warning' ? 'done_warning' : 'done';
}
