/**
 * Dispatch: one claim of the outbox, in one transaction — claimed events folded per Odoo
 * transaction and table, matched against the enabled DB triggers of that table, the matching
 * records loaded (one read per model for the whole claim), and one job per trigger per Odoo
 * transaction (chunked above `chunkSize` records) enqueued with its records and its user.
 * The events are marked processed in the same transaction as the jobs are written.
 */
import { withTransaction, type Pool, type PoolClient } from '../../db/index.js';
import { insertLogs } from '../../history/index.js';
import type { JobRuntime, TriggerInfo, TriggerJobSpec } from '../../jobs/index.js';
import { OdooError, type OdooClient } from '../../odoo/index.js';
import type { Logger } from '../../shared/logger.js';
import { foldEvents, type Row, type TableChange } from './folding.js';
import { matchChange, type DbTriggerRow } from './matching.js';
import { claimEvents } from './outbox.js';
import { DEFAULT_LANG, present, presentCaptured, type LoadedModel, type RecordLoader } from './records.js';
import { tableOf } from './catalog.js';

export interface DispatcherOptions {
  pool: Pool;
  jobs: JobRuntime;
  odoo: OdooClient | undefined;
  loader: RecordLoader;
  /** Events claimed per transaction. */
  batchSize: number;
  /** Records per job at most. */
  chunkSize: number;
  logger: Logger;
}

/** An enabled DB trigger as the claim reads it, with what its jobs need of its task and project. */
interface EnabledDbTrigger extends DbTriggerRow {
  task_id: number;
  project_id: number;
}

interface Match {
  trigger: EnabledDbTrigger;
  change: TableChange;
  ids: number[];
}

export interface DispatchResult {
  events: number;
  jobs: number;
}

export class DbDispatcher {
  /** Events this dispatcher claimed since it was created. */
  dispatched = 0;

  constructor(private readonly options: DispatcherOptions) {}

  /** Claims and dispatches one batch; `events` is 0 when the outbox had nothing to claim. */
  async dispatchBatch(): Promise<DispatchResult> {
    const result = await withTransaction(this.options.pool, async (db) => {
      const events = await claimEvents(db, this.options.batchSize);
      if (events.length === 0) return { events: 0, jobs: 0 };
      const matches = await this.match(db, foldEvents(events));
      const jobs = await this.enqueue(db, matches);
      return { events: events.length, jobs };
    });
    this.dispatched += result.events;
    return result;
  }

  private async match(db: PoolClient, changes: TableChange[]): Promise<Match[]> {
    const { rows: triggers } = await db.query<EnabledDbTrigger>(
      `select d.id, d.trigger_name, d.model, d.kind, d.filter_domain, d.filter_pre_domain, d.watched_fields, t.id as task_id, p.id as project_id
         from sync_studio.trigger_db d join sync_studio.task t on t.id = d.task_id join sync_studio.project p on p.id = t.project_id
        where d.active and t.active and p.active and d.kind <> 'on_time' order by d.id`,
    );
    const matches: Match[] = [];
    for (const change of changes) {
      for (const trigger of triggers) {
        if (tableOf(trigger.model) !== change.table) continue;
        const fields = await this.options.loader.fields(trigger.model);
        const ids = await matchChange(this.options.loader.db, this.options.odoo, trigger, change, fields).catch(async (error: unknown) => {
          // Odoo refused the domain (a fault, not an outage): this trigger misses the change, the others do not wait.
          if (!(error instanceof OdooError)) throw error;
          await logTriggerError(db, trigger, `${trigger.trigger_name}: Odoo could not check the apply-on domain: ${error.message}`);
          return [];
        });
        if (ids.length > 0) matches.push({ trigger, change, ids });
      }
    }
    return matches;
  }

  private async enqueue(db: PoolClient, matches: Match[]): Promise<number> {
    if (matches.length === 0) return 0;
    const { loader } = this.options;
    const wanted = new Map<string, number[]>();
    for (const m of matches)
      if (m.trigger.kind !== 'on_unlink') wanted.set(m.trigger.model, [...(wanted.get(m.trigger.model) ?? []), ...m.ids]);
    const loaded = new Map<string, LoadedModel>();
    for (const [model, ids] of wanted) loaded.set(model, await loader.load(model, ids));
    // The users whose language each job's records are presented in: the last writers of the loaded rows and of the deleted ones.
    const writers = [
      ...[...loaded.values()].flatMap((l) => [...l.rows.values()].map((r) => r.write_uid)),
      ...matches.flatMap((m) => (m.trigger.kind === 'on_unlink' ? m.ids.map((id) => m.change.deleted.get(id)?.write_uid) : [])),
    ];
    const langs = await loader.languagesOf(writers);
    const specs: TriggerJobSpec[] = [];
    for (const { trigger, change, ids } of matches) {
      let records: Row[];
      let uid: number | null;
      if (trigger.kind === 'on_unlink') {
        const fields = await loader.fields(trigger.model);
        const captured = ids.map((id) => change.deleted.get(id) ?? { id });
        uid = firstUid(captured.map((row) => row.write_uid));
        const lang = langs.get(uid ?? -1) ?? DEFAULT_LANG;
        const names = await loader.displayNames(fields, captured);
        records = captured.map((row) => presentCaptured(fields, row, lang, names));
      } else {
        const model = loaded.get(trigger.model)!;
        const raw = ids.map((id) => model.rows.get(id)).filter((row): row is Row => row !== undefined);
        uid = firstUid(raw.map((row) => row.write_uid));
        const lang = langs.get(uid ?? -1) ?? DEFAULT_LANG;
        // Records deleted since (by a later transaction) have nothing left to hand over.
        records = raw.map((row) => present(model, Number(row.id), lang)!);
      }
      specs.push(...chunkedJobs(trigger, records, uid, this.options.chunkSize, enabledTriggerInfo(trigger)));
    }
    // One statement for every job of the claim, however many transactions it folded.
    return (await this.options.jobs.enqueueMany(specs, { db })).length;
  }
}

/** The trigger as the job runtime would read it again: the claim read it enabled, in the same transaction. */
function enabledTriggerInfo(trigger: EnabledDbTrigger): TriggerInfo {
  const { id, trigger_name, task_id, project_id } = trigger;
  return { kind: 'db', id, trigger_name, active: true, task_id, task_active: true, project_id, project_active: true };
}

/** One job per `chunkSize` records, each carrying its records' values (and the trigger, when the caller has read it). */
export function chunkedJobs(
  trigger: Pick<DbTriggerRow, 'id' | 'model'>,
  records: Row[],
  uid: number | null,
  chunkSize: number,
  loaded?: TriggerInfo,
): TriggerJobSpec[] {
  const specs: TriggerJobSpec[] = [];
  for (let start = 0; start < records.length; start += chunkSize) {
    const recordSet = recordSetArg(trigger.model, records.slice(start, start + chunkSize));
    specs.push({ trigger: { kind: 'db', id: trigger.id }, args: [recordSet], odooUserId: uid, ...(loaded ? { loaded } : {}) });
  }
  return specs;
}

/** handle_db's argument: a record set of `model` carrying its records' values (the sandbox's env builds it again). */
export function recordSetArg(model: string, records: Row[]): { __recordset__: { model: string; ids: unknown[]; values: Row[] } } {
  return { __recordset__: { model, ids: records.map((r) => r.id), values: records } };
}

async function logTriggerError(db: PoolClient, trigger: EnabledDbTrigger, message: string): Promise<void> {
  const { project_id, task_id } = trigger;
  await insertLogs(db, [
    {
      jobId: null,
      projectId: project_id,
      taskId: task_id,
      triggerKind: 'db',
      triggerId: trigger.id,
      level: 'error',
      type: 'server',
      name: trigger.trigger_name,
      message,
    },
  ]);
}

function firstUid(values: unknown[]): number | null {
  for (const value of values) if (value !== null && value !== undefined && value !== false) return Number(value);
  return null;
}
