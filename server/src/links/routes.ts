/**
 * The links API for the panel: a filtered, paginated list (users) and deletion (developers).
 * Links are global, not per project, as upstream.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { readId, readJson, readPage, requireRole, type AppEnv } from '../api/index.js';
import type { Queryable } from '../db/index.js';
import { NotFoundError } from '../shared/errors.js';
import { parseInput } from '../shared/validation.js';
import { deleteLinks, listLinks } from './store.js';

export interface LinkRoutesDeps {
  pool: Queryable;
}

const pageKeys = ['limit', 'cursor'];
const dateTime = z.iso.datetime({ offset: true, error: 'expected an ISO 8601 date-time, e.g. 2024-05-01T00:00:00Z' });
const filtersSchema = z.strictObject({
  relation: z.string().min(1).optional(),
  system: z.string().min(1).optional(),
  ref: z.string().min(1).optional(),
  model: z.string().min(1).optional(),
  odoo: z
    .enum(['true', 'false'], { error: 'expected true or false' })
    .transform((value) => value === 'true')
    .optional(),
  date_from: dateTime.optional(),
  date_to: dateTime.optional(),
});
const deleteSchema = z.strictObject({ ids: z.array(z.number().int().positive()).min(1).max(10_000) });

export function linkRoutes(deps: LinkRoutesDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { pool } = deps;

  app.get('/links', async (c) => {
    requireRole(c, 'user', 'reading links');
    const query = c.req.query();
    const page = readPage(
      c,
      Object.keys(query).filter((key) => !pageKeys.includes(key)),
    );
    const filters = parseInput(
      filtersSchema,
      Object.fromEntries(Object.entries(query).filter(([key]) => !pageKeys.includes(key))),
      'query',
    );
    return c.json({ ...(await listLinks(pool, filters, page)), limit: page.limit });
  });
  app.delete('/links/:id', async (c) => {
    requireRole(c, 'developer', 'deleting links');
    const id = readId(c);
    if ((await deleteLinks(pool, [id])) === 0) throw new NotFoundError('link', id);
    return c.body(null, 204);
  });
  app.post('/links/delete', async (c) => {
    requireRole(c, 'developer', 'deleting links');
    const { ids } = parseInput(deleteSchema, await readJson(c), 'body');
    return c.json({ deleted: await deleteLinks(pool, ids) });
  });
  return app;
}
