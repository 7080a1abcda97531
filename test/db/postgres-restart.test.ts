/** PostgreSQL restarting under a running sidecar: it reports not ready, then carries on without a restart of its own, and a job that ended meanwhile is recorded. */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer as createHttpServer, type ServerResponse } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { startEmbeddedPostgres } from '../../server/src/db/index.js';
import { prepareDataDir } from '../../server/src/config/standalone.js';
import { startServe, stop } from '../helpers/cli.js';
import { pollUntil } from '../helpers/poll.js';

const dir = await mkdtemp(join(tmpdir(), 'sync-studio-pg-restart-'));
after(() => rm(dir, { recursive: true, force: true }));

const ADMIN = 'restart-test-admin-token-0123456789';
const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

/** Waits for `check` (its errors, e.g. while PostgreSQL is down, count as "not yet"). */
async function until(check: () => Promise<boolean>, what: string, timeoutMs = 30_000) {
  await pollUntil(what, () => check().catch(() => false), { timeoutMs, intervalMs: 100 });
}

/** A sidecar on `databaseUrl`, one worker, and a call of its API as the administrator. */
async function startSidecar(databaseUrl: string, env: Record<string, string> = {}) {
  const sidecar = await startServe({
    DATABASE_URL: databaseUrl,
    SYNC_STUDIO_SECRET: 'restart-test-secret-0123456789-0123456789',
    SYNC_STUDIO_ADMIN_TOKEN: ADMIN,
    PORT: '0',
    SYNC_STUDIO_WORKERS: '1',
    ...env,
  });
  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${sidecar.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, body: (await response.json()) as any };
  };
  return { sidecar, api };
}

test('jobs run before and after PostgreSQL restarts; /readyz follows the database', async () => {
  await prepareDataDir(dir);
  const port = await freePort();
  let database = await startEmbeddedPostgres(dir, { port });
  const { sidecar, api } = await startSidecar(database.connectionString);
  try {
    const project = await api('POST', '/api/projects', { name: 'restart', active: true });
    const task = await api('POST', `/api/projects/${project.body.id}/tasks`, {
      name: 'T',
      code: `function handle_button() { log('alive'); }`,
    });
    const button = await api('POST', `/api/tasks/${task.body.id}/triggers/button`, { trigger_name: 'GO' });
    assert.equal((await api('POST', `/api/triggers/button/${button.body.id}/run`, { wait: true })).body.state, 'done');

    await database.stop();
    await until(async () => (await fetch(`${sidecar.url}/readyz`)).status === 503, '/readyz to report the database away');
    assert.equal((await fetch(`${sidecar.url}/healthz`)).status, 200, 'the process itself is alive');

    database = await startEmbeddedPostgres(dir, { port });
    await until(async () => (await fetch(`${sidecar.url}/readyz`)).status === 200, '/readyz to recover');
    await until(
      async () => (await api('POST', `/api/triggers/button/${button.body.id}/run`, { wait: true })).body.state === 'done',
      'a job to run again',
    );
    const jobs = await api('GET', `/api/jobs?project_id=${project.body.id}`);
    assert.ok(
      jobs.body.items.filter((j: { state: string }) => j.state === 'done').length >= 2,
      'the job from before the restart is still there',
    );
  } finally {
    await stop(sidecar.child);
    await database.stop();
  }
});

test('a queued job that ends while PostgreSQL is down is recorded once it is back, and the queue keeps running', async () => {
  const held: ServerResponse[] = [];
  const hold = createHttpServer((_request, response) => held.push(response));
  await new Promise<void>((resolve) => hold.listen(0, '127.0.0.1', resolve));
  const holdUrl = `http://127.0.0.1:${(hold.address() as AddressInfo).port}/hold`;
  const port = await freePort();
  let database = await startEmbeddedPostgres(dir, { port });
  const { sidecar, api } = await startSidecar(database.connectionString, { SYNC_STUDIO_EGRESS_ALLOW: '127.0.0.1' });
  try {
    const project = await api('POST', '/api/projects', { name: 'restart mid-job', active: true });
    await api('POST', `/api/projects/${project.body.id}/params`, { key: 'HOLD', value: holdUrl });
    const task = await api('POST', `/api/projects/${project.body.id}/tasks`, {
      name: 'Held',
      code: `async function handle_webhook(request) { await http.get(params.HOLD); log('released ' + request.json.n); return { ok: true }; }`,
    });
    const hook = await api('POST', `/api/tasks/${task.body.id}/triggers/webhook`, { trigger_name: 'IN' });
    const call = (n: number) =>
      fetch(hook.body.url.replace(/^https?:\/\/[^/]+/, sidecar.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ n }),
      }).catch(() => undefined);
    const jobsOfProject = async () =>
      (await api('GET', `/api/jobs?project_id=${project.body.id}`)).body.items as { id: number; state: string }[];

    void call(1);
    await until(async () => held.length === 1, 'the job to wait on the held request');
    await database.stop();
    // The job ends while the database is away: its outcome cannot be written yet.
    held.shift()!.end('{}');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    database = await startEmbeddedPostgres(dir, { port });

    await until(
      async () => (await jobsOfProject()).some((j) => j.state === 'done'),
      'the job that ended during the outage to be done',
      60_000,
    );
    const logs = await api('GET', `/api/logs?project_id=${project.body.id}`);
    assert.equal(
      logs.body.items.filter((l: { message: string }) => l.message === 'released 1').length,
      1,
      'its log line is kept, once (the job did not run twice)',
    );

    void call(2);
    await until(async () => held.length === 1, 'a new job to start after the restart', 60_000);
    held.shift()!.end('{}');
    await until(async () => (await jobsOfProject()).filter((j) => j.state === 'done').length === 2, 'the new job to be done');
  } finally {
    for (const response of held) response.end('{}');
    hold.close();
    await stop(sidecar.child);
    await database.stop();
  }
});
