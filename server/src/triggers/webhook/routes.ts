/** The public webhook routes (no auth: the path is an unguessable UUID): GET and POST, with optional sub-paths. */
import type { IncomingMessage } from 'node:http';
import { Hono, type Context } from 'hono';
import type { WebhookService } from './service.js';

export function webhookRoutes(service: WebhookService): Hono {
  const app = new Hono();
  const receive = (c: Context) => service.receive(c.req.param('path') ?? '', c.req.raw, remoteAddress(c));
  app.on(['GET', 'POST'], '/sync/webhook/:path', receive);
  app.on(['GET', 'POST'], '/sync/webhook/:path/*', receive);
  return app;
}

/** The peer address when served by @hono/node-server (null under `app.request` in tests). */
function remoteAddress(c: Context): string | null {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? null;
}
