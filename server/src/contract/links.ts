/** The links API: the global list of links with its filters, and deletion one by one or in bulk. */
import { createRoute, z } from '@hono/zod-openapi';
import { idParams, json, jsonBody, pageFields, pageOf, refused, rowId, time } from './common.js';

const dateTime = z.iso.datetime({ offset: true, error: 'expected an ISO 8601 date-time, e.g. 2024-05-01T00:00:00Z' });
export const linkFilterFields = {
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
};

export const link = z
  .object({
    id: rowId,
    relation: z.string(),
    system1: z.string(),
    ref1: z.string(),
    system2: z.string(),
    ref2: z.string(),
    model: z.string().nullable(),
    date: time,
  })
  .meta({ id: 'Link' });

export const linkApi = {
  list: createRoute({
    method: 'get',
    path: '/links',
    tags: ['links'],
    summary: 'List links, newest first',
    request: { query: z.strictObject({ ...pageFields(100, 500), ...linkFilterFields }) },
    responses: { 200: json(pageOf(link), 'a page of links'), ...refused() },
  }),
  remove: createRoute({
    method: 'delete',
    path: '/links/{id}',
    tags: ['links'],
    summary: 'Delete a link (developers)',
    request: { params: idParams },
    responses: { 204: { description: 'deleted' }, ...refused(403, 404) },
  }),
  removeMany: createRoute({
    method: 'post',
    path: '/links/delete',
    tags: ['links'],
    summary: 'Delete links by id (developers)',
    request: { body: jsonBody(z.strictObject({ ids: z.array(z.number().int().positive()).min(1).max(10_000) })) },
    responses: { 200: json(z.object({ deleted: z.number().int() }), 'how many were deleted'), ...refused(403) },
  }),
};
