/**
 * Timed conditions (`on_time`): a periodic scan with a last-run window, like Odoo's "check and
 * execute" cron. Each scan, per enabled on_time trigger (row-locked, so two sidecars never scan
 * one trigger at once): the records whose due time — the date field plus the delay — is in
 * [last_run, now) and that satisfy the apply-on domain start one job (chunked), and last_run
 * becomes now. A record fires once per crossing; a sidecar that was down catches up once, with
 * one window from its last run; a trigger that never ran starts from the epoch (Odoo back-fills).
 */
import { withTransaction, type Pool, type PoolClient } from '../../db/index.js';
import type { JobRuntime } from '../../jobs/index.js';
import type { OdooClient } from '../../odoo/index.js';
import { readPythonLiteral } from '../../projects/xml/python-literal.js';
import type { Clock } from '../../shared/clock.js';
import type { Logger } from '../../shared/logger.js';
import { tableOf } from './catalog.js';
import { chunkedJobs } from './dispatcher.js';
import { compileDomain, quoteIdent } from './domain.js';
import { present, type RecordLoader } from './records.js';

const units: Record<string, string> = { minutes: 'mins', hour: 'hours', day: 'days', month: 'months' };

interface TimedTrigger {
  id: number;
  trigger_name: string;
  model: string;
  filter_domain: string;
  date_field: string;
  date_range: number | null;
  date_range_type: string | null;
  last_run: Date | null;
}

export interface OnTimeOptions {
  pool: Pool;
  jobs: JobRuntime;
  odoo: OdooClient | undefined;
  loader: RecordLoader;
  chunkSize: number;
  clock: Clock;
  logger: Logger;
}

export class OnTimeScanner {
  constructor(private readonly options: OnTimeOptions) {}

  /** Scans every enabled on_time trigger once; returns the number of jobs started. */
  async scan(): Promise<number> {
    const { rows } = await this.options.pool.query<{ id: number }>(
      `select d.id from sync_studio.trigger_db d join sync_studio.task t on t.id = d.task_id join sync_studio.project p on p.id = t.project_id
        where d.kind = 'on_time' and d.active and t.active and p.active and d.date_field is not null order by d.id`,
    );
    let jobs = 0;
    for (const { id } of rows) {
      try {
        jobs += await withTransaction(this.options.pool, (db) => this.scanTrigger(db, id));
      } catch (error) {
        this.options.logger.error({ err: error, trigger: id }, 'scanning a timed DB trigger failed');
      }
    }
    return jobs;
  }

  private async scanTrigger(db: PoolClient, id: number): Promise<number> {
    const { rows } = await db.query<TimedTrigger>(
      `select id, trigger_name, model, filter_domain, date_field, date_range, date_range_type, last_run
         from sync_studio.trigger_db where id = $1 and active for update skip locked`,
      [id],
    );
    const trigger = rows[0];
    if (!trigger) return 0;
    const now = this.options.clock.now();
    const from = trigger.last_run ?? new Date(0);
    const ids = await this.due(trigger, from, now);
    await db.query('update sync_studio.trigger_db set last_run = $2 where id = $1', [id, now]);
    if (ids.length === 0) return 0;
    const loaded = await this.options.loader.load(trigger.model, ids);
    const records = ids.map((rid) => present(loaded, rid, 'en_US')).filter((r) => r !== undefined);
    return (await this.options.jobs.enqueueMany(chunkedJobs(trigger, records, null, this.options.chunkSize), { db })).length;
  }

  /** Ids whose due time is in [from, to), satisfying the apply-on domain. */
  private async due(trigger: TimedTrigger, from: Date, to: Date): Promise<number[]> {
    const { loader } = this.options;
    const fields = await loader.fields(trigger.model);
    const column = `t.${quoteIdent(trigger.date_field)}::timestamp`;
    const delay = `make_interval(${units[trigger.date_range_type ?? 'hour']} => $3::int)`;
    const params: unknown[] = [from.toISOString(), to.toISOString(), trigger.date_range ?? 0];
    const compiled = compileDomain(trigger.filter_domain, fields);
    const domainSql = compiled ? ` and ${compiled.toSql('t', params)}` : '';
    const { rows } = await loader.db.query<{ id: number }>(
      `select t.id from ${quoteIdent(tableOf(trigger.model))} t
        where ${column} + ${delay} >= ($1::timestamptz at time zone 'utc') and ${column} + ${delay} < ($2::timestamptz at time zone 'utc')${domainSql}
        order by t.id`,
      params,
    );
    const ids = rows.map((r) => r.id);
    if (compiled || ids.length === 0) return ids;
    if (!this.options.odoo) throw new Error(`the apply-on domain of ${trigger.trigger_name} needs Odoo to evaluate it: set ODOO_URL`);
    const kept = new Set(
      await this.options.odoo.executeKw<number[]>(
        trigger.model,
        'search',
        [[['id', 'in', ids], ...(readPythonLiteral(trigger.filter_domain) as unknown[])]],
        {
          context: { active_test: false },
        },
      ),
    );
    return ids.filter((rid) => kept.has(rid));
  }
}
