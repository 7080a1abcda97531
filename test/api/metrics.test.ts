/** /metrics needs the metrics token or an administrator token; its database counts are cached. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTokenVerifier } from '../../server/src/auth/index.js';
import { metricsRoutes } from '../../server/src/metrics/index.js';
import { createSandboxPool, type SandboxPool } from '../../server/src/sandbox/index.js';
import { ADMIN_TOKEN, createTestApp, TEST_SECRET, type TestApp } from '../helpers/app.js';

const METRICS_TOKEN = 'metrics-token-0123456789abcdef';
let t: TestApp;
let sandbox: SandboxPool;
let now = new Date('2026-12-02T12:00:00Z');

before(async () => {
  sandbox = createSandboxPool({ workers: 1, memoryMb: 64 });
  const verifier = createTokenVerifier({ secret: TEST_SECRET, adminToken: ADMIN_TOKEN });
  t = await createTestApp();
  // Mounted before the first request, as main.ts mounts it among the root routes.
  t.app.route('/', metricsRoutes({ pool: t.db.pool, sandbox, verifier, metricsToken: METRICS_TOKEN, clock: { now: () => now } }));
});
after(async () => {
  await t.close();
  await sandbox.close();
});

const scrape = async (bearer?: string) => {
  const res = await t.app.request('/metrics', bearer === undefined ? {} : { headers: { authorization: `Bearer ${bearer}` } });
  return { status: res.status, text: await res.text() };
};

test('a scrape needs SYNC_STUDIO_METRICS_TOKEN or an administrator token', async () => {
  assert.equal((await scrape()).status, 401);
  assert.equal((await scrape('not-a-token')).status, 401);
  const user = await scrape(t.tokens.user);
  assert.equal(user.status, 403);
  assert.match(JSON.parse(user.text).error.message, /SYNC_STUDIO_METRICS_TOKEN or an administrator token/);
  assert.equal((await scrape(t.tokens.developer)).status, 403);
  const withToken = await scrape(METRICS_TOKEN);
  assert.equal(withToken.status, 200);
  assert.match(withToken.text, /sync_studio_sandbox_workers\{status="total"\} 1/);
  assert.equal((await scrape(t.tokens.administrator)).status, 200);
  assert.equal((await scrape(ADMIN_TOKEN)).status, 200);
});

test('job counts are read from the database at most once per 15 s', async () => {
  const project = await t.store.create('project', null, { name: 'Counted' });
  const task = await t.store.create('task', project.id, { name: 'T' });
  const failed = /sync_studio_jobs\{state="failed"\} (\d+)/;
  const before = Number((await scrape(METRICS_TOKEN)).text.match(failed)?.[1] ?? 0);
  await t.db.pool.query(
    `insert into sync_studio.job (project_id, task_id, trigger_name, function, state) values ($1, $2, 'GO', 'handle_button', 'failed')`,
    [project.id, task.id],
  );
  now = new Date(now.getTime() + 14_000);
  assert.equal(Number((await scrape(METRICS_TOKEN)).text.match(failed)?.[1] ?? 0), before, 'the cached count');
  now = new Date(now.getTime() + 1_000);
  assert.equal(Number((await scrape(METRICS_TOKEN)).text.match(failed)?.[1]), before + 1, 'counted again after 15 s');
});
