/**
 * DB triggers as a trigger kind: the service's queue handlers, its check of a DB trigger before
 * it is saved, capture reconciled on changes, capture and listener started at start and stopped
 * at stop. Run Now runs one on records a developer chooses (their ids).
 */
import type { TriggerKindModule } from '../kind.js';
import { startAndAnswer } from '../run-now.js';
import { dbTriggerRoutes } from './routes.js';
import { DbTriggerService, type DbTriggerServiceOptions } from './service.js';

export interface DbTriggerKind extends TriggerKindModule {
  readonly service: DbTriggerService;
}

export function dbTriggerKind(options: DbTriggerServiceOptions): DbTriggerKind {
  const service = new DbTriggerService(options);
  return {
    kind: 'db',
    service,
    register: (runtime) => service.register(runtime),
    check: (row, db) => service.check(row, db),
    onProjectChange: (event) => service.onChange(event),
    start: () => service.start(),
    runNow: async ({ spec, wait, ids }) => startAndAnswer(options, await service.recordsSpec(spec, ids), wait),
    apiRoutes: dbTriggerRoutes({ pool: options.pool }),
    stop: () => service.stop(),
  };
}
