/**
 * The webhook journal in the API: a webhook's journaled requests (role user; header values that
 * authenticate callers are redacted unless the caller is an administrator) and the replay of one
 * request against the task's current code (role developer).
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { hasRole } from '../../auth/index.js';
import type { Pool } from '../../db/index.js';
import { readId, readJson, readPage, requireRole, type AppEnv } from '../../api/index.js';
import { loadTrigger } from '../../jobs/index.js';
import { redactHeaders } from '../../shared/redaction.js';
import { parseInput } from '../../shared/validation.js';
import { listJournal, type JournaledRequest } from './journal.js';
import { decode } from './request.js';
import type { WebhookService } from './service.js';

export interface WebhookRoutesDeps {
  pool: Pool;
  webhooks: WebhookService;
}

const replayInput = z.strictObject({ force: z.boolean().optional() });

export function webhookApiRoutes(deps: WebhookRoutesDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/triggers/webhook/:id/requests', async (c) => {
    const page = readPage(c);
    const reveal = hasRole(c.get('principal'), 'administrator');
    const triggerId = readId(c);
    await loadTrigger(deps.pool, 'webhook', triggerId);
    const { items, total, next_cursor } = await listJournal(deps.pool, triggerId, page);
    return c.json({ items: items.map((item) => presentRequest(item, reveal)), total, limit: page.limit, next_cursor });
  });

  app.post('/webhook-requests/:id/replay', async (c) => {
    requireRole(c, 'developer', 'replaying a webhook request');
    const { force } = parseInput(replayInput, await readJson(c), 'replay');
    return c.json(await deps.webhooks.replay(readId(c), force ?? false), 201);
  });
  return app;
}

function presentRequest(item: JournaledRequest, revealHeaders: boolean) {
  const text = decode(item.body);
  return {
    id: item.id,
    trigger_id: item.trigger_id,
    method: item.method,
    url: item.url,
    headers: revealHeaders ? item.headers : redactHeaders(item.headers),
    body: text ?? item.body.toString('base64'),
    body_encoding: text === undefined ? 'base64' : 'utf8',
    remote_addr: item.remote_addr,
    dedup_key: item.dedup_key,
    job_id: item.job_id,
    received_at: item.received_at,
  };
}
