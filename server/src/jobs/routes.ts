/**
 * The job runtime in the API (role developer): requeueing a failed job, and the syntax check of
 * task and common code (the sandbox's own parser, so the panel marks what a run would refuse).
 */
import { apiRoutes, requireRole, serve, type ApiRoutes } from '../api/index.js';
import { historyApi } from '../contract/index.js';
import type { Pool } from '../db/index.js';
import { getJob } from '../history/index.js';
import type { SandboxPool } from '../sandbox/index.js';
import type { SyncJobRuntime } from './runtime.js';

export interface JobRoutesDeps {
  pool: Pool;
  runtime: SyncJobRuntime;
  sandbox: SandboxPool;
}

export function jobRoutes(deps: JobRoutesDeps): ApiRoutes {
  const app = apiRoutes();
  serve(app, historyApi.requeue, async (c, { params: { id } }) => {
    requireRole(c, 'developer', 'requeueing a job');
    await deps.runtime.requeue(id);
    return c.json(await getJob(deps.pool, id), 202);
  });
  serve(
    app,
    historyApi.syntaxCheck,
    async (c, { body: { code } }) => {
      requireRole(c, 'developer', 'checking code');
      return c.json({ problems: await deps.sandbox.checkSyntax(code) });
    },
    { what: 'syntax check' },
  );
  return app;
}
