/**
 * A DB trigger's recent activity in the API (role user): the latest events captured on its
 * model's table (processed or not) and the latest jobs it started, with their record ids.
 */
import { apiRoutes, serve, type ApiRoutes } from '../../api/index.js';
import { triggerApi } from '../../contract/index.js';
import type { Pool } from '../../db/index.js';
import { modelOfDbTrigger, tableOf } from './catalog.js';
import { recentEvents } from './outbox.js';

export interface DbTriggerRoutesDeps {
  pool: Pool;
}

const RECENT = 20;

export function dbTriggerRoutes(deps: DbTriggerRoutesDeps): ApiRoutes {
  const app = apiRoutes();
  serve(app, triggerApi.dbEvents, async (c, { params: { id } }) => {
    const model = await modelOfDbTrigger(deps.pool, id);
    const table = tableOf(model);
    const [events, jobs] = await Promise.all([
      recentEvents(deps.pool, table, RECENT),
      deps.pool.query(
        `select id, state, created_at, finished_at, odoo_user_id,
                coalesce(jsonb_array_length(args -> 0 -> '__recordset__' -> 'ids'), 0) as record_count,
                args -> 0 -> '__recordset__' -> 'ids' as record_ids
           from sync_studio.job where trigger_kind = 'db' and trigger_id = $1 order by id desc limit $2`,
        [id, RECENT],
      ),
    ]);
    return c.json({ model, table, events, jobs: jobs.rows });
  });
  return app;
}
