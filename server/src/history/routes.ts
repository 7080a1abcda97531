/**
 * Job history for the panel: lists with filters, a job with its sub-jobs, counts of log lines
 * grouped by any dimension, and a live tail of a job's logs (SSE).
 */
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import { apiRoutes, serve, type ApiRoutes } from '../api/index.js';
import { historyApi } from '../contract/index.js';
import { hasRole } from '../auth/index.js';
import type { Pool } from '../db/index.js';
import { NotFoundError, SyncStudioError } from '../shared/errors.js';
import { redactCredentials } from '../shared/redaction.js';
import { getJob } from './jobs.js';
import type { LiveLogHub } from './live-logs.js';
import { LiveStreamQuota, type LiveStreamLimits } from './live-streams.js';
import { countLogs, listJobs, listLogs, parseJobFilter } from './queries.js';

export interface HistoryRoutesDeps {
  pool: Pool;
  /** A job's arguments as its handler receives them (a webhook job's row references its journal entry). */
  argsOf(job: { id: number; trigger_kind: string | null; args: unknown[] }): Promise<unknown[]>;
  liveLogs: LiveLogHub;
  streamLimits: LiveStreamLimits;
}

/** Where a client finds a job and follows its log while it runs. */
export function jobLinks(jobId: number) {
  return { job: `/api/jobs/${jobId}`, log_stream: `/api/jobs/${jobId}/logs/stream` };
}

export function historyRoutes(deps: HistoryRoutesDeps): ApiRoutes {
  const app = apiRoutes();
  const streams = new LiveStreamQuota(deps.streamLimits);

  serve(app, historyApi.listJobs, async (c, { query }) => c.json(await listJobs(deps.pool, query)), { what: 'job filter' });
  serve(
    app,
    historyApi.readJob,
    async (c, { params, query: { include } }) => {
      const stored = await getJob(deps.pool, params.id, { args: include?.includes('args') });
      // A webhook job's row references its journal entry: shown as the request the handler received.
      // (A pruned entry leaves the reference shown as stored.)
      const job = include?.includes('args')
        ? {
            ...stored,
            args: await deps.argsOf(stored as { id: number; trigger_kind: string | null; args: unknown[] }).catch((error: unknown) => {
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
    },
    { what: 'job' },
  );

  serve(app, historyApi.listLogs, async (c, { query }) => c.json(await listLogs(deps.pool, query)), { what: 'log filter' });
  serve(app, historyApi.countLogs, async (c, { query }) => c.json(await countLogs(deps.pool, query)), { what: 'log filter' });

  serve(app, historyApi.streamLogs, async (c, { params }) => {
    const jobId = params.id;
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
