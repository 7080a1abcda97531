/**
 * The webhook journal in the API: a webhook's journaled requests (role user; header values that
 * authenticate callers are redacted unless the caller is an administrator) and the replay of one
 * request against the task's current code (role developer).
 */
import { hasRole } from '../../auth/index.js';
import type { Pool } from '../../db/index.js';
import { apiRoutes, requireRole, serve, type ApiRoutes } from '../../api/index.js';
import { triggerApi } from '../../contract/index.js';
import { loadTrigger } from '../../jobs/index.js';
import { redactHeaders } from '../../shared/redaction.js';
import { listJournal, type JournaledRequest } from './journal.js';
import { decode } from './request.js';
import type { WebhookService } from './service.js';

export interface WebhookRoutesDeps {
  pool: Pool;
  webhooks: WebhookService;
}

export function webhookApiRoutes(deps: WebhookRoutesDeps): ApiRoutes {
  const app = apiRoutes();

  serve(app, triggerApi.webhookRequests, async (c, { params: { id: triggerId }, query: page }) => {
    const reveal = hasRole(c.get('principal'), 'administrator');
    await loadTrigger(deps.pool, 'webhook', triggerId);
    const { items, total, next_cursor } = await listJournal(deps.pool, triggerId, page);
    return c.json({ items: items.map((item) => presentRequest(item, reveal)), total, limit: page.limit, next_cursor });
  });

  serve(
    app,
    triggerApi.replay,
    async (c, { params: { id }, body: { force } }) => {
      requireRole(c, 'developer', 'replaying a webhook request');
      return c.json(await deps.webhooks.replay(id, force ?? false), 201);
    },
    { what: 'replay' },
  );
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
