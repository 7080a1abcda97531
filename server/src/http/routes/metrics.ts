/**
 * `/metrics` for Prometheus: the process's default metrics, the sandbox pool (workers, busy,
 * restarts), the job table (jobs by state, queue entries waiting) and the DB event outbox (events
 * waiting, age of the oldest, size), read when scraped. No
 * project data, names or secrets appear in metrics.
 */
import { Hono } from 'hono';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { Queryable } from '../../db/index.js';
import type { SandboxPool } from '../../sandbox/index.js';
import { outboxStats } from '../../triggers/index.js';

export interface MetricsDeps {
  pool: Queryable;
  sandbox: SandboxPool;
}

export function metricsRoutes(deps: MetricsDeps): Hono {
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
  new Gauge({
    name: 'sync_studio_jobs',
    help: 'Jobs by state (pending includes jobs waiting for a retry)',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      const { rows } = await deps.pool.query<{ state: string; n: number }>(
        'select state, count(*)::int as n from sync_studio.job group by state',
      );
      this.reset();
      for (const row of rows) this.set({ state: row.state }, row.n);
    },
  });
  new Gauge({
    name: 'sync_studio_db_outbox',
    help: 'DB event outbox: events waiting to be dispatched, seconds the oldest has waited, rows (estimate) and bytes on disk',
    labelNames: ['measure'],
    registers: [registry],
    async collect() {
      const stats = await outboxStats(deps.pool);
      this.set({ measure: 'pending' }, stats.pending);
      this.set({ measure: 'lag_seconds' }, stats.lagSeconds);
      this.set({ measure: 'rows' }, stats.rows);
      this.set({ measure: 'bytes' }, stats.bytes);
    },
  });
  const app = new Hono();
  app.get('/metrics', async (c) => c.body(await registry.metrics(), 200, { 'content-type': registry.contentType }));
  return app;
}
