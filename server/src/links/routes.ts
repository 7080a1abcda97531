/**
 * The links API for the panel: a filtered, paginated list (users) and deletion (developers).
 * Links are global, not per project, as upstream.
 */
import { apiRoutes, requireRole, serve, type ApiRoutes } from '../api/index.js';
import { linkApi } from '../contract/index.js';
import type { Queryable } from '../db/index.js';
import { NotFoundError } from '../shared/errors.js';
import { deleteLinks, listLinks } from './store.js';

export interface LinkRoutesDeps {
  pool: Queryable;
}

export function linkRoutes(deps: LinkRoutesDeps): ApiRoutes {
  const app = apiRoutes();
  const { pool } = deps;

  serve(app, linkApi.list, async (c, { query: { limit, cursor, ...filters } }) => {
    requireRole(c, 'user', 'reading links');
    return c.json({ ...(await listLinks(pool, filters, { limit, cursor })), limit });
  });
  serve(app, linkApi.remove, async (c, { params: { id } }) => {
    requireRole(c, 'developer', 'deleting links');
    if ((await deleteLinks(pool, [id])) === 0) throw new NotFoundError('link', id);
    return c.body(null, 204);
  });
  serve(app, linkApi.removeMany, async (c, { body: { ids } }) => {
    requireRole(c, 'developer', 'deleting links');
    return c.json({ deleted: await deleteLinks(pool, ids) });
  });
  return app;
}
