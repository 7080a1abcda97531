/**
 * Jobs and logs for the panel: lists with filters, a job with its sub-jobs, requeue of a failed
 * job, Run Now, counts of log lines grouped by any dimension, a live tail of a job's logs (SSE),
 * and the syntax check of task and common code.
 */
import { Hono } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import { z } from 'zod';
import { hasRole } from '../../auth/index.js';
import type { Pool } from '../../db/index.js';
import { isTriggerKind } from '../../projects/index.js';
import { countLogs, getJob, listJobs, listLogs, parseJobFilter, parseLogFilter, type LiveLogHub } from '../../runs/index.js';
import type { SyncJobRuntime } from '../../jobs/index.js';
import type { SandboxPool } from '../../sandbox/index.js';
import type { Logger } from '../../shared/logger.js';
import { InvalidInputError, NotFoundError, SyncStudioError } from '../../shared/errors.js';
import { redactCredentials } from '../../shared/redaction.js';
import { listOf, parseInput } from '../../shared/validation.js';
import { readId, readJson, readQuery } from '../body.js';
import { requireRole, type AppEnv } from '../context.js';
import { LiveStreamQuota, type LiveStreamLimits } from '../live-streams.js';

export interface RunRoutesDeps {
  pool: Pool;
  logger: Logger;
  liveLogs: LiveLogHub;
  streamLimits: LiveStreamLimits;
  runtime: SyncJobRuntime;
  sandbox: SandboxPool;
}

const runNowInput = z.strictObject({
  /** Run even if the project, task or trigger is archived. */
  force: z.boolean().optional(),
  /** Answer when the job has finished (with its state, result and error) instead of at once. */
  wait: z.boolean().optional(),
});
const jobQuery = z.strictObject({ include: listOf(z.enum(['args'])).optional() });
const syntaxInput = z.strictObject({ code: z.string().max(1_000_000) });

/** Where a client finds a job and follows its log while it runs. */
function jobLinks(jobId: number) {
  return { job: `/api/jobs/${jobId}`, log_stream: `/api/jobs/${jobId}/logs/stream` };
}

export function runRoutes(deps: RunRoutesDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const streams = new LiveStreamQuota(deps.streamLimits);

  app.get('/jobs', async (c) => c.json(await listJobs(deps.pool, parseJobFilter(readQuery(c)))));
  app.get('/jobs/:id', async (c) => {
    const { include } = parseInput(jobQuery, readQuery(c), 'job');
    const stored = await getJob(deps.pool, readId(c), { args: include?.includes('args') });
    // A webhook job's row references its journal entry: shown as the request the handler received.
    // (A pruned entry leaves the reference shown as stored.)
    const job = include?.includes('args')
      ? {
          ...stored,
          args: await deps.runtime
            .argsOf(stored as { id: number; trigger_kind: string | null; args: unknown[] })
            .catch((error: unknown) => {
              if (error instanceof SyncStudioError && error.status < 500) return stored.args;
              throw error;
            }),
        }
      : stored;
    const subJobs = await listJobs(deps.pool, parseJobFilter({ parent_job_id: String(job.id), limit: '1000' }));
    // Callers' credentials (a webhook's Authorization, cookies, signatures) only for administrators.
    const shown = hasRole(c.get('principal'), 'administrator')
      ? job
      : { ...job, args: redactCredentials(job.args), result: redactCredentials(job.result) };
    return c.json({ ...shown, sub_jobs: subJobs.items });
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
    const { rows } = await deps.pool.query('select 1 from sync_studio.job where id = $1', [jobId]);
    if (rows.length === 0) throw new NotFoundError('job', jobId);
    const lastEventId = c.req.header('last-event-id');
    const afterId = lastEventId && /^\d{1,15}$/.test(lastEventId) ? Number(lastEventId) : 0;
    const release = streams.admit(c.get('principal'));
    return streamSSE(c, async (stream) => {
      try {
        await followJob(deps.liveLogs, stream, jobId, afterId, deps.streamLimits.maxSeconds);
      } finally {
        release();
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
    requireRole(c, 'developer', 'checking code');
    const { code } = parseInput(syntaxInput, await readJson(c), 'syntax check');
    return c.json({ problems: await deps.sandbox.checkSyntax(code) });
  });
  return app;
}

/**
 * Sends job `jobId`'s log lines after `afterId` as `log` events (id = the line's id, so a client
 * reconnects with Last-Event-ID), then one `end` event: `{state}` once the job has finished and
 * every line is sent, or `{reason: "max_duration"}` when the stream reached its time limit.
 */
function followJob(hub: LiveLogHub, stream: SSEStreamingApi, jobId: number, afterId: number, maxSeconds: number): Promise<void> {
  return new Promise<void>((resolve) => {
    let stopped = false;
    const stop = async (end?: Record<string, unknown>) => {
      if (stopped) return;
      stopped = true;
      unsubscribe();
      clearTimeout(deadline);
      if (end) await stream.writeSSE({ event: 'end', data: JSON.stringify(end) }).catch(() => undefined);
      resolve();
    };
    const unsubscribe = hub.subscribe(
      jobId,
      {
        deliver: async (lines) => {
          for (const line of lines) await stream.writeSSE({ event: 'log', id: String(line.id), data: JSON.stringify(line) });
        },
        end: (state) => void stop({ state }),
      },
      afterId,
    );
    const deadline = setTimeout(() => void stop({ reason: 'max_duration', max_seconds: maxSeconds }), maxSeconds * 1000);
    stream.onAbort(() => void stop());
  });
}
