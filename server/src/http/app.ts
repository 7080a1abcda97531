/**
 * The hono app factory: `createApp(deps)` wires the auth middleware, the one error handler and the
 * routes of each capability. Tests call `app.request('/api/...')` without a port.
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { TokenVerifier } from '../auth/index.js';
import type { Logger } from '../shared/logger.js';
import { NotFoundError, SyncStudioError } from '../shared/errors.js';
import type { AppEnv } from './context.js';
import { createErrorHandler, errorBody } from './errors.js';
import { projectRoutes, type ProjectRoutesDeps } from './routes/projects.js';

export interface AppDeps extends ProjectRoutesDeps {
  verifier: TokenVerifier;
  logger: Logger;
  /** Resolves true when the database answers and the job runner is started. */
  ready: () => Promise<boolean>;
  /** Extra route groups mounted under /api by other capabilities (jobs, logs, links, ...). */
  apiRoutes?: Hono<AppEnv>[];
  /** Route groups mounted at the root (webhooks, the panel bundle). */
  rootRoutes?: Hono[];
}

const API_BODY_LIMIT = 5 * 1024 * 1024;

export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  app.onError(createErrorHandler(deps.logger));
  app.notFound((c) => c.json(errorBody('not_found', `no route for ${c.req.method} ${c.req.path}`), 404));

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
  api.route('/', projectRoutes(deps));
  for (const routes of deps.apiRoutes ?? []) api.route('/', routes);
  api.all('*', (c) => {
    throw new NotFoundError('API route', `${c.req.method} ${c.req.path}`);
  });
  app.route('/api', api);
  for (const routes of deps.rootRoutes ?? []) app.route('/', routes);
  return app;
}
