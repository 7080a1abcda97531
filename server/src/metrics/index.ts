/**
 * `/metrics` for Prometheus: the process's default metrics, the sandbox pool (workers, busy,
 * restarts), the job table (jobs by state) and the DB event outbox (events waiting, age of the
 * oldest, size). No project data, names or secrets appear in metrics.
 *
 * Scrapes need a bearer token: SYNC_STUDIO_METRICS_TOKEN (for Prometheus' `authorization`
 * setting) or any administrator token. The database counts are cached for `cacheSeconds`, and
 * scrapes arriving together share one query, so scraping cannot load the database.
 */
import { timingSafeEqual } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { hasRole, type TokenVerifier } from '../auth/index.js';
import type { Queryable } from '../db/index.js';
import type { SandboxPool } from '../sandbox/index.js';
import { cached } from '../shared/cached.js';
import type { Clock } from '../shared/clock.js';
import { ForbiddenError } from '../shared/errors.js';
import { outboxStats } from '../triggers/index.js';

export interface MetricsDeps {
  pool: Queryable;
  sandbox: SandboxPool;
  verifier: TokenVerifier;
  /** SYNC_STUDIO_METRICS_TOKEN: a bearer token that may read /metrics and nothing else. */
  metricsToken: string | undefined;
  clock: Clock;
  /** How long database counts are reused; default 15 s. */
  cacheSeconds?: number;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function metricsRoutes(deps: MetricsDeps): Hono {
  const ttlMs = (deps.cacheSeconds ?? 15) * 1000;
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'sync_studio_' });
  new Gauge({
    name: 'sync_studio_sandbox_workers',
    help: 'Sandbox worker threads, by status',
    labelNames: ['status'],
    registers: [registry],
    collect() {
      const stats = deps.sandbox.stats();
      this.set({ status: 'total' }, stats.workers);
      this.set({ status: 'busy' }, stats.busy);
    },
  });
  new Gauge({
    name: 'sync_studio_sandbox_restarts',
    help: 'Sandbox workers replaced since start (limits, crashes)',
    registers: [registry],
    collect() {
      this.set(deps.sandbox.stats().restarts);
    },
  });
  const jobCounts = cached(deps.clock, ttlMs, async () => {
    const { rows } = await deps.pool.query<{ state: string; n: number }>(
      'select state, count(*)::int as n from sync_studio.job group by state',
    );
    return rows;
  });
  new Gauge({
    name: 'sync_studio_jobs',
    help: 'Jobs by state (pending includes jobs waiting for a retry); counted at most every 15 s',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const rows = await jobCounts();
      this.reset();
      for (const row of rows) this.set({ state: row.state }, row.n);
    },
  });
  const outbox = cached(deps.clock, ttlMs, () => outboxStats(deps.pool));
  new Gauge({
    name: 'sync_studio_db_outbox',
    help: 'DB event outbox: events waiting to be dispatched, seconds the oldest has waited, rows (estimate, waiting and processed) and bytes on disk',
    labelNames: ['measure'],
    registers: [registry],
    async collect() {
      const stats = await outbox();
      this.set({ measure: 'pending' }, stats.pending);
      this.set({ measure: 'lag_seconds' }, stats.lagSeconds);
      this.set({ measure: 'rows' }, stats.rows);
      this.set({ measure: 'bytes' }, stats.bytes);
    },
  });

  const authorize = (c: Context) => {
    const bearer = c.req.header('authorization')?.match(/^Bearer\s+(.+)$/i)?.[1];
    if (bearer !== undefined && deps.metricsToken !== undefined && sameSecret(bearer, deps.metricsToken)) return;
    const principal = deps.verifier.verify(bearer);
    if (!hasRole(principal, 'administrator')) {
      throw new ForbiddenError('reading /metrics needs SYNC_STUDIO_METRICS_TOKEN or an administrator token');
    }
  };
  const app = new Hono();
  app.get('/metrics', async (c) => {
    authorize(c);
    return c.body(await registry.metrics(), 200, { 'content-type': registry.contentType });
  });
  return app;
}
