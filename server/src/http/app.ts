/**
 * The hono app factory: `createApp(deps)` wires CORS, the body limit, the auth middleware and the
 * one error handler around the route groups each capability owns (mounted under /api, or at the
 * root for public ones). Tests call `app.request('/api/...')` without a port.
 */
import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import type { TokenVerifier } from '../auth/index.js';
import type { Logger } from '../shared/logger.js';
import { NotFoundError, SyncStudioError } from '../shared/errors.js';
import type { AppEnv } from '../api/index.js';
import { createErrorHandler, errorBody } from './errors.js';
import { sessionRoutes, type SessionRoutesDeps } from './session.js';

export interface AppDeps extends SessionRoutesDeps {
  verifier: TokenVerifier;
  logger: Logger;
  /** Resolves true when the database answers and the job runner is started. */
  ready: () => Promise<boolean>;
  /** The route groups of the capabilities, mounted under /api (projects, jobs, logs, links, triggers, ...). */
  apiRoutes: Hono<AppEnv>[];
  /** Route groups mounted at the root (webhooks, the panel bundle). */
  rootRoutes?: Hono[];
  /** Browser origins (Odoo's) allowed to call /api and load /ui/ cross-origin; none = same origin only. */
  corsOrigins?: readonly string[];
}

const API_BODY_LIMIT = 5 * 1024 * 1024;

/**
 * CORS for the panel mounted inside Odoo: only the configured Odoo origins get CORS headers
 * (Access-Control-Allow-Origin naming that origin, never Allow-Credentials: the panel sends a
 * bearer token, not cookies), and their preflights are answered before the token check. A request
 * from any other origin passes through untouched, without a CORS header, so its browser refuses
 * the response.
 */
function panelCors(origins: readonly string[]): MiddlewareHandler {
  const allowed = new Set(origins);
  const policy = cors({
    origin: (origin) => (allowed.has(origin) ? origin : null),
    allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowHeaders: ['Authorization', 'Content-Type'],
    maxAge: 600,
  });
  return (c, next) => (allowed.has(c.req.header('origin') ?? '') ? policy(c, next) : next());
}

export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  app.onError(createErrorHandler(deps.logger));
  app.notFound((c) => c.json(errorBody('not_found', `no route for ${c.req.method} ${c.req.path}`), 404));

  const corsPolicy = panelCors(deps.corsOrigins ?? []);
  app.use('/api/*', corsPolicy);
  app.use('/ui/*', corsPolicy);

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) =>
    (await deps.ready().catch(() => false)) ? c.json({ status: 'ready' }) : c.json({ status: 'not ready' }, 503),
  );

  const api = new Hono<AppEnv>();
  api.use(
    bodyLimit({
      maxSize: API_BODY_LIMIT,
      onError: () => {
        throw new SyncStudioError('payload_too_large', `the request body is larger than ${API_BODY_LIMIT} bytes`, { status: 413 });
      },
    }),
  );
  api.use(async (c, next) => {
    const header = c.req.header('authorization');
    const bearer = header?.match(/^Bearer\s+(.+)$/i)?.[1];
    c.set('principal', deps.verifier.verify(bearer));
    await next();
  });
  api.route('/', sessionRoutes(deps));
  for (const routes of deps.apiRoutes) api.route('/', routes);
  api.all('*', (c) => {
    throw new NotFoundError('API route', `${c.req.method} ${c.req.path}`);
  });
  app.route('/api', api);
  for (const routes of deps.rootRoutes ?? []) app.route('/', routes);
  return app;
}
