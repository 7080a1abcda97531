/**
 * The cron scheduler: one keyed graphile-worker queue job per enabled cron trigger
 * (`sync_studio:cron:<id>`, run_at = the trigger's `nextcall`). When it runs, `fire` takes the
 * trigger's row lock and handles the slot only if it is still due, so two sidecars (or a stale
 * queue job) never run one slot twice; the job row, the new `nextcall`/`numbercall` and the next
 * keyed queue job all commit together. Configuration changes reschedule through
 * `ProjectStore.onChange`; `reconcile` (every minute, and at start) covers triggers written by
 * imports or other processes.
 */
import { parseCronItem } from 'graphile-worker';
import { withTransaction, type Pool, type PoolClient, type Queryable } from '../../db/index.js';
import { insertLogs } from '../../history/index.js';
import { addQueueJob, removeQueueJob, type JobRuntime, type SyncJobRuntime, type TriggerState } from '../../jobs/index.js';
import type { ChangeEvent } from '../../projects/index.js';
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import { nextSlotAfter, type IntervalType } from './schedule.js';

export const CRON_FIRE = 'sync_studio.cron_fire';
export const CRON_RECONCILE = 'sync_studio.cron_reconcile';
/** A slot due within this margin counts as due: the queue decides by PostgreSQL's clock, `fire` by ours. */
const CLOCK_SKEW_MS = 1000;

const CRON_JOB_KEY_PREFIX = 'sync_studio:cron:';

export function cronJobKey(triggerId: number): string {
  return `${CRON_JOB_KEY_PREFIX}${triggerId}`;
}

/** What one firing did with its slot. */
export type SlotOutcome =
  | { action: 'enqueued'; jobId: number; nextcall: Date; numbercall: number; active: boolean }
  | { action: 'skipped_archived'; nextcall: Date }
  | { action: 'not_due'; nextcall: Date }
  | { action: 'ignored'; reason: 'missing' | 'disabled' };

interface CronRow extends TriggerState {
  id: number;
  interval_number: number;
  interval_type: IntervalType;
  nextcall: Date;
  numbercall: number;
  odoo_user_id: number | null;
}

export interface CronSchedulerOptions {
  pool: Pool;
  jobs: JobRuntime;
  clock: Clock;
  logger: Logger;
}

export class CronScheduler {
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly options: CronSchedulerOptions) {}

  /** Registers the firing and reconciling queue handlers; call before the runtime starts. */
  register(runtime: SyncJobRuntime): void {
    runtime.registerQueueHandler(CRON_FIRE, async (payload) => {
      await this.fire((payload as { triggerId: number }).triggerId);
    });
    runtime.registerQueueHandler(
      CRON_RECONCILE,
      async () => {
        await this.reconcile();
      },
      parseCronItem({ task: CRON_RECONCILE, match: '* * * * *', options: { backfillPeriod: 0, maxAttempts: 1 } }),
    );
  }

  /** Handles the due slot of a trigger (if it still is due) and schedules the next one. */
  async fire(triggerId: number): Promise<SlotOutcome> {
    return withTransaction(this.options.pool, async (db) => {
      const { rows } = await db.query<CronRow>(
        `select c.id, c.trigger_name, c.active, c.interval_number, c.interval_type, c.nextcall, c.numbercall, c.odoo_user_id,
                t.id as task_id, t.active as task_active, p.id as project_id, p.active as project_active
           from sync_studio.trigger_cron c join sync_studio.task t on t.id = c.task_id join sync_studio.project p on p.id = t.project_id
          where c.id = $1 for update of c`,
        [triggerId],
      );
      const row = rows[0];
      if (!row) return { action: 'ignored', reason: 'missing' };
      if (!row.active || row.numbercall === 0) return { action: 'ignored', reason: 'disabled' };
      const now = this.options.clock.now();
      if (row.nextcall.getTime() > now.getTime() + CLOCK_SKEW_MS) {
        await queueSlot(db, row.id, row.nextcall);
        return { action: 'not_due', nextcall: row.nextcall };
      }
      const { nextcall } = nextSlotAfter(row.nextcall, { number: row.interval_number, type: row.interval_type }, now);
      if (!row.task_active || !row.project_active) return this.skipArchived(db, row, nextcall);
      const { jobId } = await this.options.jobs.enqueue(
        { trigger: { kind: 'cron', id: row.id }, args: [], odooUserId: row.odoo_user_id },
        { db },
      );
      const numbercall = row.numbercall > 0 ? row.numbercall - 1 : row.numbercall;
      const active = numbercall !== 0;
      await db.query('update sync_studio.trigger_cron set nextcall = $2, lastcall = $3, numbercall = $4, active = $5 where id = $1', [
        row.id,
        nextcall,
        now,
        numbercall,
        active,
      ]);
      if (active) await queueSlot(db, row.id, nextcall);
      else await removeQueueJob(db, cronJobKey(row.id));
      return { action: 'enqueued', jobId, nextcall, numbercall, active };
    });
  }

  /**
   * An archived project or task: the slot passes without a job and without consuming
   * `numbercall` (upstream consumed it); a warning log row says so.
   */
  private async skipArchived(db: PoolClient, row: CronRow, nextcall: Date): Promise<SlotOutcome> {
    await db.query('update sync_studio.trigger_cron set nextcall = $2 where id = $1', [row.id, nextcall]);
    await insertLogs(db, [
      {
        jobId: null,
        projectId: row.project_id,
        taskId: row.task_id,
        triggerKind: 'cron',
        triggerId: row.id,
        level: 'warning',
        type: 'server',
        name: row.trigger_name,
        message: `Triggering archived project or task: ${row.trigger_name}; the slot passed without a job`,
      },
    ]);
    await queueSlot(db, row.id, nextcall);
    this.options.logger.info({ trigger: row.id }, 'cron slot passed: project or task archived');
    return { action: 'skipped_archived', nextcall };
  }

  /** Puts the trigger's queue job at its current `nextcall`, or removes it when the trigger cannot run. */
  async schedule(triggerId: number): Promise<void> {
    const { pool } = this.options;
    const { rows } = await pool.query<{ nextcall: Date }>(
      'select nextcall from sync_studio.trigger_cron where id = $1 and active and numbercall <> 0',
      [triggerId],
    );
    if (rows[0]) await queueSlot(pool, triggerId, rows[0].nextcall);
    else await removeQueueJob(pool, cronJobKey(triggerId));
  }

  /** Adds or moves the queue job of every enabled trigger whose job is missing or at the wrong time. */
  async reconcile(): Promise<number> {
    const { rows } = await this.options.pool.query<{ fixed: number }>(
      `select count(graphile_worker.add_job($1::text, json_build_object('triggerId', c.id), run_at => c.nextcall, job_key => $2 || c.id))::int as fixed
         from sync_studio.trigger_cron c
        where c.active and c.numbercall <> 0
          and not exists (select 1 from graphile_worker.jobs j where j.key = $2 || c.id and (j.locked_at is not null or j.run_at = c.nextcall))`,
      [CRON_FIRE, CRON_JOB_KEY_PREFIX],
    );
    return rows[0]!.fixed;
  }

  /** `ProjectStore.onChange` listener: a cron trigger was created, edited or deleted. */
  readonly onChange = (event: ChangeEvent): void => {
    if (event.kind !== 'cron') return;
    const work = this.schedule(event.id)
      .catch((error: unknown) => this.options.logger.error({ err: error, trigger: event.id }, 'rescheduling a cron trigger failed'))
      .finally(() => this.inFlight.delete(work));
    this.inFlight.add(work);
  };

  /** Resolves once the reschedules started by change events so far are done (tests, shutdown). */
  async idle(): Promise<void> {
    await Promise.all([...this.inFlight]);
  }
}

function queueSlot(db: Queryable, triggerId: number, runAt: Date): Promise<string> {
  return addQueueJob(db, CRON_FIRE, { triggerId }, { runAt, jobKey: cronJobKey(triggerId) });
}
