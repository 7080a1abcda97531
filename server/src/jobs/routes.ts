/**
 * The job runtime in the API (role developer): requeueing a failed job, and the syntax check of
 * task and common code (the sandbox's own parser, so the panel marks what a run would refuse).
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { readId, readJson, requireRole, type AppEnv } from '../api/index.js';
import type { Pool } from '../db/index.js';
import { getJob } from '../history/index.js';
import type { SandboxPool } from '../sandbox/index.js';
import { parseInput } from '../shared/validation.js';
import type { SyncJobRuntime } from './runtime.js';

export interface JobRoutesDeps {
  pool: Pool;
  runtime: SyncJobRuntime;
  sandbox: SandboxPool;
}

const syntaxInput = z.strictObject({ code: z.string().max(1_000_000) });

export function jobRoutes(deps: JobRoutesDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post('/jobs/:id/requeue', async (c) => {
    requireRole(c, 'developer', 'requeueing a job');
    const id = readId(c);
    await deps.runtime.requeue(id);
    return c.json(await getJob(deps.pool, id), 202);
  });
  app.post('/syntax-check', async (c) => {
    requireRole(c, 'developer', 'checking code');
    const { code } = parseInput(syntaxInput, await readJson(c), 'syntax check');
    return c.json({ problems: await deps.sandbox.checkSyntax(code) });
  });
  return app;
}
