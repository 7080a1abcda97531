/**
 * The hono app factory: `createApp(deps)` wires CORS, the body limit, the auth middleware and the
 * one error handler around the route groups each capability owns (mounted under /api, or at the
 * root for public ones), and serves their contract as an OpenAPI document at /api/openapi.json
 * (without a token: it describes the API and holds no data; docs/decisions/023-api-contract.md).
 * Tests call `app.request('/api/...')` without a port.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import type { TokenVerifier } from '../auth/index.js';
import type { Logger } from '../shared/logger.js';
import { NotFoundError, SyncStudioError } from '../shared/errors.js';
import { packageVersion } from '../shared/paths.js';
import { apiRoutes, type ApiRoutes } from '../api/index.js';
import { createErrorHandler, errorBody } from './errors.js';
import { sessionRoutes, type SessionRoutesDeps } from './session.js';

export interface AppDeps extends SessionRoutesDeps {
  verifier: TokenVerifier;
  logger: Logger;
  /** Resolves true when the database answers and the job runner is started. */
  ready: () => Promise<boolean>;
  /** The route groups of the capabilities, mounted under /api (projects, jobs, logs, links, triggers, ...). */
  apiRoutes: ApiRoutes[];
  /** Route groups mounted at the root (webhooks, the panel bundle). */
  rootRoutes?: Hono[];
  /** Browser origins (Odoo's) allowed to call /api and load /ui/ cross-origin; none = same origin only. */
  corsOrigins?: readonly string[];
  /** Check every answer of /api against its route's response schemas (tests): a mismatch is a 500 naming it. */
  checkResponses?: boolean;
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

export function createApp(deps: AppDeps): OpenAPIHono {
  const app = new OpenAPIHono();
  app.onError(createErrorHandler(deps.logger));
  app.notFound((c) => c.json(errorBody('not_found', `no route for ${c.req.method} ${c.req.path}`), 404));

  const corsPolicy = panelCors(deps.corsOrigins ?? []);
  app.use('/api/*', corsPolicy);
  app.use('/ui/*', corsPolicy);

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) =>
    (await deps.ready().catch(() => false)) ? c.json({ status: 'ready' }) : c.json({ status: 'not ready' }, 503),
  );

  let document: unknown;
  app.get('/api/openapi.json', (c) => {
    document ??= app.getOpenAPIDocument({
      openapi: '3.0.3',
      info: {
        title: 'Sync Studio API',
        version: packageVersion,
        description: 'Every route needs `Authorization: Bearer <token>` (a panel token or the administrator token).',
      },
      security: [{ bearer: [] }],
    });
    return c.json(document);
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });

  const api = apiRoutes();
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
    if (deps.checkResponses) c.set('checkResponses', true);
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
