/**
 * DB triggers as one capability: what the sidecar registers (queue handlers for capture
 * reconciliation, the timed scan and outbox upkeep), what it checks when a DB trigger is saved,
 * how it reacts to configuration changes (capture reconciled in the background), what it does
 * at start (capture re-checked, the listener started, the outbox drained in the background) and at stop.
 * In standalone mode (no Odoo database) nothing runs and saving a DB trigger is refused.
 */
import { parseCronItem } from 'graphile-worker';
import type { Pool, Queryable } from '../../db/index.js';
import { addQueueJob, type JobRuntime, type SyncJobRuntime, type TriggerJobSpec } from '../../jobs/index.js';
import { isInstanceDead } from '../../jobs/instance-lock.js';
import type { OdooClient } from '../../odoo/index.js';
import type { ChangeEvent } from '../../projects/index.js';
import { readPythonLiteral } from '../../projects/xml/python-literal.js';
import type { Clock } from '../../shared/clock.js';
import { InvalidInputError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import { CaptureBusyError, enabledTriggers, plansOfEnabledTriggers, reconcileCapture, type ReconcileResult } from './capture.js';
import { checkModel, DbTriggersUnavailableError, modelOfDbTrigger, storedFields } from './catalog.js';
import { DbDispatcher, recordSetArg } from './dispatcher.js';
import { compileDomain } from './domain.js';
import { DbListener, type WakeupMode } from './listener.js';
import { OnTimeScanner } from './on-time.js';
import { pruneEvents, removeDeadListeners } from './outbox.js';
import { DEFAULT_LANG, present, recordLoaderFor, type RecordLoader } from './records.js';

export const DB_CAPTURE = 'sync_studio.db_capture';
export const DB_MINUTELY = 'sync_studio.db_minutely';
const CAPTURE_JOB_KEY = 'sync_studio:db_capture';
/** How long creating or dropping a pg trigger may wait for Odoo's writers before giving up (and retrying later). */
export const CAPTURE_LOCK_TIMEOUT_MS = 50;

export interface DbTriggerSettings {
  mode: 'odoo' | 'standalone';
  wakeup: WakeupMode;
  pollMs: number;
  chunkSize: number;
  eventRetentionHours: number;
  batchSize?: number;
}

export interface DbTriggerServiceOptions {
  pool: Pool;
  /** Reads of Odoo's own tables, with the default planner settings (`createOdooReadPool`). */
  odooReads: Queryable;
  connectionString: string;
  jobs: JobRuntime;
  instanceId: number;
  odoo: OdooClient | undefined;
  settings: DbTriggerSettings;
  clock: Clock;
  logger: Logger;
}

export class DbTriggerService {
  /** Every read of Odoo's tables goes through it (`loader.db`: the Odoo read pool). */
  readonly loader: RecordLoader;
  readonly dispatcher: DbDispatcher;
  readonly scanner: OnTimeScanner;
  private listener: DbListener | undefined;
  private readonly enabled: boolean;

  constructor(private readonly options: DbTriggerServiceOptions) {
    const { pool, odooReads, jobs, odoo, settings, clock, logger } = options;
    this.enabled = settings.mode === 'odoo';
    const loader = recordLoaderFor(odooReads, odoo);
    this.loader = loader;
    this.dispatcher = new DbDispatcher({
      pool,
      jobs,
      odoo,
      loader,
      batchSize: settings.batchSize ?? 500,
      chunkSize: settings.chunkSize,
      logger,
    });
    this.scanner = new OnTimeScanner({ pool, jobs, odoo, loader, chunkSize: settings.chunkSize, clock, logger });
  }

  /** Queue handlers: capture reconciliation (retried by the queue while Odoo's writers hold the table), and a minutely scan and upkeep. */
  register(runtime: SyncJobRuntime): void {
    runtime.registerQueueHandler(DB_CAPTURE, async () => {
      if (this.enabled) await this.reconcileCapture();
    });
    runtime.registerQueueHandler(
      DB_MINUTELY,
      async () => {
        if (this.enabled) await this.minutely();
      },
      parseCronItem({ task: DB_MINUTELY, match: '* * * * *', options: { backfillPeriod: 0, maxAttempts: 1 } }),
    );
  }

  /** Capture re-checked (in the background if Odoo's writers hold a table), then the listener drains and listens. */
  async start(): Promise<void> {
    if (!this.enabled) return;
    const { pool, instanceId, settings, logger } = this.options;
    await removeDeadListeners(pool, (id) => isInstanceDead(pool, id));
    await this.reconcileCapture().catch(async (error: unknown) => {
      if (!(error instanceof CaptureBusyError)) throw error;
      logger.warn({ err: error }, 'capture not installed yet');
      await this.queueCapture();
    });
    this.warmUp().catch((error: unknown) =>
      logger.warn({ err: error }, "reading the watched models' fields at start failed; the first dispatch reads them again"),
    );
    this.listener = new DbListener({
      pool,
      connectionString: this.options.connectionString,
      instanceId,
      mode: settings.wakeup,
      pollMs: settings.pollMs,
      dispatch: async () => (await this.dispatcher.dispatchBatch()).events,
      logger,
    });
    await this.listener.start();
  }

  /**
   * What the first dispatch would otherwise wait for, read in the background at start: the fields
   * of each model a change trigger watches (with Odoo's login and `fields_get`; a real Odoo's
   * first login takes about half a second) and the active languages.
   */
  private async warmUp(): Promise<void> {
    const models = new Set((await enabledTriggers(this.options.pool)).map((trigger) => trigger.model));
    await Promise.all([...models].map((model) => this.loader.prepare(model)));
  }

  async stop(): Promise<void> {
    await this.listener?.stop();
    this.listener = undefined;
  }

  /** Brings the pg triggers on Odoo's tables in line with the enabled DB triggers. */
  async reconcileCapture(): Promise<ReconcileResult> {
    const { pool, logger } = this.options;
    const result = await reconcileCapture(pool, plansOfEnabledTriggers, CAPTURE_LOCK_TIMEOUT_MS);
    if (result.installed.length || result.removed.length)
      logger.info({ installed: result.installed, removed: result.removed }, 'capture updated');
    return result;
  }

  private queueCapture(): Promise<string> {
    return addQueueJob(this.options.pool, DB_CAPTURE, {}, { jobKey: CAPTURE_JOB_KEY, maxAttempts: 25 });
  }

  private async minutely(): Promise<void> {
    const { pool, clock, settings } = this.options;
    await this.scanner.scan();
    await pruneEvents(pool, new Date(clock.now().getTime() - settings.eventRetentionHours * 3_600_000));
    await removeDeadListeners(pool, (id) => isInstanceDead(pool, id));
    await this.reconcileCapture().catch((error: unknown) => {
      if (!(error instanceof CaptureBusyError)) throw error;
    });
  }

  /** A DB trigger, task or project changed: capture is reconciled by a (deduplicated) queue job. */
  onChange(event: ChangeEvent): void {
    if (!this.enabled || !['db', 'task', 'project'].includes(event.kind)) return;
    this.queueCapture().catch((error: unknown) => this.options.logger.error({ err: error }, 'queueing capture reconciliation failed'));
  }

  /**
   * Run Now of a DB trigger on chosen records (a developer trying handle_db without changing Odoo's
   * data): `spec` with the records read as a change of them would hand them, in the language of
   * the user running it. The records are the developer's choice: the trigger's kind, domains and
   * watched fields are not checked.
   */
  async recordsSpec(spec: TriggerJobSpec, ids: readonly number[] | undefined): Promise<TriggerJobSpec> {
    if (!this.enabled) throw new DbTriggersUnavailableError();
    if (!ids) throw new InvalidInputError('a DB trigger runs on records: give the ids of those handle_db receives', 'ids');
    const model = await modelOfDbTrigger(this.options.pool, spec.trigger.id);
    const wanted = [...new Set(ids)];
    const loaded = await this.loader.load(model, wanted);
    const missing = wanted.filter((id) => !loaded.rows.has(id));
    if (missing.length > 0) throw new InvalidInputError(`${model} has no record ${missing.join(', ')}`, 'ids');
    const uid = spec.odooUserId ?? null;
    const lang = (uid === null ? undefined : (await this.loader.languagesOf([uid])).get(uid)) ?? DEFAULT_LANG;
    const records = wanted.map((id) => present(loaded, id, lang)!);
    return { ...spec, args: [recordSetArg(model, records)] };
  }

  /** A DB trigger about to be saved: Odoo mode, an existing model, domains the sidecar can evaluate, stored fields. */
  async check(row: Record<string, unknown>, db: Queryable): Promise<void> {
    if (!this.enabled) throw new DbTriggersUnavailableError();
    // A disabled trigger may be saved whatever became of its model (e.g. disabling it after an upgrade dropped a field).
    if (row.active === false) return;
    const model = String(row.model);
    await checkModel(db, model);
    const fields = await storedFields(db, model);
    const names = new Set(fields.map((f) => f.name));
    for (const key of ['filter_domain', 'filter_pre_domain'] as const) {
      const source = String(row[key] ?? '').trim();
      if (source === '') continue;
      let value: unknown;
      try {
        value = readPythonLiteral(source);
      } catch (error) {
        throw new InvalidInputError(`${key}: not a literal Odoo domain (${(error as Error).message})`, key);
      }
      if (!Array.isArray(value)) throw new InvalidInputError(`${key}: an Odoo domain is a list, e.g. [('email', '!=', False)]`, key);
    }
    const simpleOnly = row.kind === 'on_unlink' ? 'filter_domain' : 'filter_pre_domain';
    const source = String(row[simpleOnly] ?? '');
    if (source.trim() !== '' && !compileDomain(source, fields)) {
      throw new InvalidInputError(
        `${simpleOnly}: checked on the values before the change, so it may only compare stored fields of ${model} with =, !=, <, >, <=, >=, in, not in, like, ilike`,
        simpleOnly,
      );
    }
    const unknown = ((row.watched_fields as string[] | undefined) ?? []).filter((f) => !names.has(f));
    if (unknown.length > 0)
      throw new InvalidInputError(`watched_fields: ${unknown.join(', ')} are not stored fields of ${model}`, 'watched_fields');
    if (row.kind === 'on_time') {
      const dateField = fields.find((f) => f.name === row.date_field);
      if (!dateField || (dateField.type !== 'date' && dateField.type !== 'datetime')) {
        throw new InvalidInputError(`date_field: a timed condition needs a stored date or datetime field of ${model}`, 'date_field');
      }
    }
  }
}
