/**
 * Jobs and logs for the panel: lists with filters, a job with its sub-jobs, requeue of a failed
 * job, Run Now, counts of log lines grouped by any dimension, a live tail of a job's logs (SSE),
 * and the syntax check of task and common code.
 */
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { z } from 'zod';
import type { Pool } from '../../db/index.js';
import { isTriggerKind } from '../../projects/index.js';
import { countLogs, getJob, listJobs, listLogs, parseJobFilter, parseLogFilter } from '../../runs/index.js';
import type { SyncJobRuntime } from '../../jobs/index.js';
import type { SandboxPool } from '../../sandbox/index.js';
import type { Logger } from '../../shared/logger.js';
import { InvalidInputError, NotFoundError } from '../../shared/errors.js';
import { parseInput } from '../../shared/validation.js';
import { readId, readJson, readQuery } from '../body.js';
import { requireRole, type AppEnv } from '../context.js';

export interface RunRoutesDeps {
  pool: Pool;
  logger: Logger;
  runtime: SyncJobRuntime;
  sandbox: SandboxPool;
}

const runNowInput = z.strictObject({
  /** Run even if the project, task or trigger is archived. */
  force: z.boolean().optional(),
  /** Answer when the job has finished (with its state, result and error) instead of at once. */
  wait: z.boolean().optional(),
});
const syntaxInput = z.strictObject({ code: z.string().max(1_000_000) });
const LIVE_POLL_MS = 150;

/** Where a client finds a job and follows its log while it runs. */
function jobLinks(jobId: number) {
  return { job: `/api/jobs/${jobId}`, log_stream: `/api/jobs/${jobId}/logs/stream` };
}

export function runRoutes(deps: RunRoutesDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get('/jobs', async (c) => c.json(await listJobs(deps.pool, parseJobFilter(readQuery(c)))));
  app.get('/jobs/:id', async (c) => {
    const job = await getJob(deps.pool, readId(c));
    const subJobs = await listJobs(deps.pool, parseJobFilter({ parent_job_id: String(job.id), limit: '1000' }));
    return c.json({ ...job, sub_jobs: subJobs.items });
  });
  app.post('/jobs/:id/requeue', async (c) => {
    requireRole(c, 'developer', 'requeueing a job');
    const id = readId(c);
    await deps.runtime.requeue(id);
    return c.json(await getJob(deps.pool, id), 202);
  });

  app.get('/logs', async (c) => c.json(await listLogs(deps.pool, parseLogFilter(readQuery(c)))));
  app.get('/logs/counts', async (c) => c.json(await countLogs(deps.pool, parseLogFilter(readQuery(c)))));

  app.get('/jobs/:id/logs/stream', async (c) => {
    const jobId = readId(c);
    await getJob(deps.pool, jobId);
    return streamSSE(c, async (stream) => {
      let afterId = 0;
      let open = true;
      stream.onAbort(() => {
        open = false;
      });
      while (open) {
        const job = await getJob(deps.pool, jobId);
        const { items } = await listLogs(deps.pool, parseLogFilter({ job_id: String(jobId), after_id: String(afterId), limit: '1000' }));
        for (const line of items as { id: number }[]) {
          afterId = Math.max(afterId, line.id);
          await stream.writeSSE({ event: 'log', id: String(line.id), data: JSON.stringify(line) });
        }
        if (job.state !== 'pending' && job.state !== 'started' && items.length < 1000) {
          await stream.writeSSE({ event: 'end', data: JSON.stringify({ state: job.state }) });
          return;
        }
        await stream.sleep(LIVE_POLL_MS);
      }
    });
  });

  app.post('/triggers/:kind/:id/run', async (c) => {
    requireRole(c, 'developer', 'running a trigger');
    const kind = c.req.param('kind');
    if (!isTriggerKind(kind)) throw new NotFoundError('trigger kind', kind);
    const { force, wait } = parseInput(runNowInput, await readJson(c), 'run');
    const trigger = { kind, id: readId(c) };
    const spec = { trigger, args: [], force, odooUserId: c.get('principal').uid };
    if (kind === 'button') {
      const started = await deps.runtime.startNow(spec);
      if (!wait) {
        started.outcome.catch((error: unknown) =>
          deps.logger.error({ err: error, jobId: started.jobId }, 'Run Now: the job could not run'),
        );
        return c.json({ job_id: started.jobId, state: 'started', links: jobLinks(started.jobId) }, 202);
      }
      const { jobId, state, error } = await started.outcome;
      // The stored result has the project's secret values redacted; answer with that one.
      const { result } = await getJob(deps.pool, jobId);
      return c.json({ job_id: jobId, state, result, ...(error ? { error } : {}), links: jobLinks(jobId) }, 201);
    }
    if (kind === 'cron') {
      const { jobId } = await deps.runtime.enqueue(spec);
      return c.json({ job_id: jobId, state: 'pending', links: jobLinks(jobId) }, 202);
    }
    throw new InvalidInputError(`a ${kind} trigger runs on its events; only cron and manual triggers can be run from here`, 'kind');
  });

  app.post('/syntax-check', async (c) => {
    const { code } = parseInput(syntaxInput, await readJson(c), 'syntax check');
    return c.json({ problems: await deps.sandbox.checkSyntax(code) });
  });
  return app;
}
