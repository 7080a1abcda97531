/**
 * The trigger registry: one module per trigger kind (`kind.ts`), built once over the job runtime
 * and the project store. The composition root (`main.ts`), the test stack and the benchmarks all
 * build it with `createTriggerRegistry`, so every kind is wired the same way everywhere: its queue
 * handlers registered, its save checks and change reactions subscribed, started after the runtime
 * and stopped before it. It owns "Run Now" (`POST /api/triggers/:kind/:id/run`) for every kind.
 */
import { Hono } from 'hono';
import { apiRoutes as routeGroup, requireRole, serve, type ApiRoutes } from '../api/index.js';
import { triggerApi } from '../contract/index.js';
import type { Pool, Queryable } from '../db/index.js';
import { jobLinks } from '../history/index.js';
import type { SyncJobRuntime } from '../jobs/index.js';
import type { OdooClient } from '../odoo/index.js';
import type { ProjectStore, TriggerKind } from '../projects/index.js';
import type { Clock } from '../shared/clock.js';
import { InvalidInputError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import { buttonTriggerKind } from './button/index.js';
import { cronTriggerKind, type CronTriggerKind } from './cron/module.js';
import { dbTriggerKind, type DbTriggerKind } from './db/module.js';
import type { DbTriggerSettings } from './db/service.js';
import type { RunNowAnswer, RunNowRequest, TriggerKindModule } from './kind.js';
import { webhookTriggerKind, type WebhookTriggerKind } from './webhook/module.js';
import type { WebhookServiceOptions } from './webhook/service.js';

export interface TriggerRegistryDeps {
  pool: Pool;
  /** For history whose loss in a PostgreSQL crash loses no work (see JobRuntimeOptions.historyPool). */
  historyPool: Pool;
  /** For the DB triggers' reads of Odoo's own tables (`createOdooReadPool`: default planner settings). */
  odooReads: Queryable;
  connectionString: string;
  runtime: SyncJobRuntime;
  store: ProjectStore;
  odoo: OdooClient | undefined;
  publicUrl: string;
  webhook: Pick<WebhookServiceOptions, 'maxBytes' | 'limits'>;
  db: DbTriggerSettings;
  clock: Clock;
  logger: Logger;
}

export interface TriggerKinds {
  cron: CronTriggerKind;
  db: DbTriggerKind;
  webhook: WebhookTriggerKind;
  button: TriggerKindModule;
}

export interface TriggerRegistry {
  readonly kinds: TriggerKinds & Record<TriggerKind, TriggerKindModule>;
  /** Starts every kind (after the job runtime has started). */
  start(): Promise<void>;
  /** Unsubscribes from the store and stops every kind (before the job runtime stops). */
  stop(): Promise<void>;
  runNow(kind: TriggerKind, request: RunNowRequest): Promise<RunNowAnswer>;
  /** Run Now and every kind's routes under /api. */
  readonly apiRoutes: ApiRoutes;
  /** Every kind's public routes. */
  readonly publicRoutes: Hono;
}

export function createTriggerRegistry(deps: TriggerRegistryDeps): TriggerRegistry {
  const { pool, runtime, store, clock, logger } = deps;
  const kinds: TriggerKinds = {
    cron: cronTriggerKind({ pool, jobs: runtime, clock, logger }),
    db: dbTriggerKind({
      pool,
      odooReads: deps.odooReads,
      connectionString: deps.connectionString,
      jobs: runtime,
      instanceId: runtime.instanceId,
      odoo: deps.odoo,
      settings: deps.db,
      clock,
      logger,
    }),
    webhook: webhookTriggerKind({
      pool,
      historyPool: deps.historyPool,
      jobs: runtime,
      publicUrl: deps.publicUrl,
      ...deps.webhook,
    }),
    button: buttonTriggerKind({ pool, jobs: runtime, logger }),
  };
  const modules = Object.values(kinds) as TriggerKindModule[];
  const unsubscribe: (() => void)[] = [];
  for (const module of modules) {
    module.register(runtime);
    if (module.check) unsubscribe.push(store.addCheck(module.kind, module.check));
    const react = module.onProjectChange?.bind(module);
    if (react) unsubscribe.push(store.onChange(react));
  }

  const runNow = async (kind: TriggerKind, request: RunNowRequest): Promise<RunNowAnswer> => {
    const module: TriggerKindModule = kinds[kind];
    if (!module.runNow)
      throw new InvalidInputError(
        `a ${kind} trigger runs on its events; only cron and manual triggers, and DB triggers on chosen records, can be run from here`,
        'kind',
      );
    if (request.ids !== undefined && kind !== 'db')
      throw new InvalidInputError(`only a DB trigger runs on records, not a ${kind} trigger`, 'ids');
    return module.runNow(request);
  };

  const apiRoutes = routeGroup();
  serve(
    apiRoutes,
    triggerApi.runNow,
    async (c, { params: { kind, id }, body: { force, wait, ids } }) => {
      requireRole(c, 'developer', 'running a trigger');
      const spec = { trigger: { kind, id }, args: [], force, odooUserId: c.get('principal').uid };
      const { status, jobId, ...answer } = await runNow(kind, { spec, wait: wait ?? false, ...(ids ? { ids } : {}) });
      return c.json({ job_id: jobId, ...answer, links: jobLinks(jobId) }, status);
    },
    { what: 'run' },
  );
  const publicRoutes = new Hono();
  for (const module of modules) {
    if (module.apiRoutes) apiRoutes.route('/', module.apiRoutes);
    if (module.publicRoutes) publicRoutes.route('/', module.publicRoutes);
  }

  return {
    kinds,
    async start() {
      for (const module of modules) await module.start();
    },
    async stop() {
      for (const stop of unsubscribe.splice(0)) stop();
      for (const module of modules) await module.stop();
    },
    runNow,
    apiRoutes,
    publicRoutes,
  };
}
