/**
 * The public webhook routes (no auth: the path is an unguessable UUID): GET and POST, with optional
 * sub-paths. Served by Node, the peer address and the body come from the IncomingMessage (under
 * `app.request` in tests there is none: no peer, the body from the web stream).
 */
import type { IncomingMessage } from 'node:http';
import { Hono, type Context } from 'hono';
import { bodyReader } from './body.js';
import type { WebhookService } from './service.js';

export function webhookRoutes(service: WebhookService): Hono {
  const app = new Hono();
  const receive = (c: Context) => {
    const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
    return service.receive(c.req.param('path') ?? '', c.req.raw, incoming?.socket?.remoteAddress ?? null, bodyReader(c.req.raw, incoming));
  };
  app.on(['GET', 'POST'], '/sync/webhook/:path', receive);
  app.on(['GET', 'POST'], '/sync/webhook/:path/*', receive);
  return app;
}
