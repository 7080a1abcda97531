/** Who the caller is (`/api/session`) and what this sidecar offers projects (its plugins). */
import { createRoute, z } from '@hono/zod-openapi';
import { json, refused } from './common.js';

export const roles = ['user', 'developer', 'administrator'] as const;
export type Role = (typeof roles)[number];

export const session = z
  .object({
    uid: z.number().int().nullable().describe('the Odoo user id (null for the standalone administrator token)'),
    db: z.string().nullable().describe('the Odoo database the token was minted for'),
    role: z.enum(roles),
    odoo_db: z.string().nullable().describe('the Odoo database this sidecar serves (null in standalone mode)'),
  })
  .meta({ id: 'Session' });

export const plugin = z
  .object({ name: z.string(), display_name: z.string(), description: z.string(), exports: z.array(z.string()) })
  .meta({ id: 'Plugin' });

export const sessionApi = {
  session: createRoute({
    method: 'get',
    path: '/session',
    tags: ['session'],
    summary: 'Who the bearer token says the caller is',
    responses: { 200: json(session, 'the caller'), ...refused() },
  }),
  plugins: createRoute({
    method: 'get',
    path: '/plugins',
    tags: ['projects'],
    summary: 'The evaluation-context plugins installed in this sidecar',
    responses: { 200: json(z.object({ items: z.array(plugin) }), 'every installed plugin'), ...refused() },
  }),
};
