/**
 * `sync-studio serve` with no DATABASE_URL: an embedded PostgreSQL in a data folder, a sample project, a token;
 * SIGTERM lets running jobs finish before the database stops.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { runCli, startServe, stop } from '../helpers/cli.js';

const dataDir = await mkdtemp(join(tmpdir(), 'sync-studio-standalone-'));
after(() => rm(dataDir, { recursive: true, force: true }));

const env = { SYNC_STUDIO_DATA_DIR: dataDir, PORT: '0', SYNC_STUDIO_WORKERS: '1' };

async function get(url: string, token?: string) {
  const response = await fetch(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  return { status: response.status, body: (await response.json()) as any };
}

test('a fresh start reaches /readyz with a sample project and an administrator token; a restart keeps both', async () => {
  const first = await startServe(env);
  let token: string;
  try {
    assert.match(first.output(), /standalone mode \(embedded PostgreSQL in /);
    assert.ok(first.token, 'an administrator token is printed');
    token = first.token!;
    assert.equal((await get(`${first.url}/readyz`)).status, 200);
    assert.equal((await get(`${first.url}/api/projects`)).status, 401);
    const projects = await get(`${first.url}/api/projects`, token);
    assert.equal(projects.status, 200);
    assert.equal(projects.body.total, 1, 'the sample project is loaded');
    assert.equal((await fetch(`${first.url}/metrics`)).status, 401, 'metrics need a token');
    const metrics = await fetch(`${first.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(metrics.status, 200);
    const text = await metrics.text();
    assert.match(text, /sync_studio_sandbox_workers\{status="total"\} 1/);
    assert.match(text, /sync_studio_process_resident_memory_bytes \d+/);
    assert.doesNotMatch(text, new RegExp(token), 'no credentials in metrics');
    const secretFile = await stat(join(dataDir, 'secret'));
    assert.equal(secretFile.mode & 0o077, 0, 'the generated secret is readable by its owner only');
  } finally {
    assert.equal(await stop(first.child), 0, 'SIGTERM shuts down cleanly');
  }
  assert.equal(existsSync(join(dataDir, 'pg', 'postmaster.pid')), false, 'the embedded database was stopped with the sidecar');

  const second = await startServe(env);
  try {
    assert.equal(second.token, token, 'the same token after a restart');
    const projects = await get(`${second.url}/api/projects`, token);
    assert.equal(projects.body.total, 1, 'the sample project is not loaded twice');
  } finally {
    await stop(second.child);
  }
});

test("a CLI command on the data folder of a running sidecar leaves that sidecar's database running", async () => {
  const serving = await startServe(env);
  try {
    const exported = await runCli(['export', 'sample-hello-sync-studio--sync-project'], { SYNC_STUDIO_DATA_DIR: dataDir });
    assert.equal(exported.code, 0, exported.stderr);
    assert.match(exported.stdout, /<odoo>/);
    assert.equal((await get(`${serving.url}/readyz`)).status, 200, 'the running sidecar still reaches its database');
    assert.equal((await get(`${serving.url}/api/projects`, serving.token)).body.total, 1);
  } finally {
    assert.equal(await stop(serving.child), 0);
  }
  assert.equal(existsSync(join(dataDir, 'pg', 'postmaster.pid')), false, 'the last one out stops the database');
});

test(
  'as root, a data folder the postgres user cannot reach stops the start with a line naming the folder',
  { skip: process.getuid?.() !== 0 && 'only root runs the embedded PostgreSQL as another user' },
  async () => {
    const closed = await mkdtemp(join(tmpdir(), 'sync-studio-closed-'));
    try {
      await chmod(closed, 0o700);
      const result = await runCli(['migrate'], { SYNC_STUDIO_DATA_DIR: join(closed, 'data') });
      assert.equal(result.code, 1);
      assert.match(result.stderr, new RegExp(`cannot enter ${closed} \\(mode 700\\).*chmod o\\+x ${closed}.*DATABASE_URL`));
      assert.doesNotMatch(result.stderr, /EACCES|\n\s+at /, 'one line, no stack trace');
    } finally {
      await rm(closed, { recursive: true, force: true });
    }
  },
);

test('a port already in use stops the start with a line naming it', async () => {
  const blocker = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => blocker.once('listening', resolve));
  const { port } = blocker.address() as { port: number };
  try {
    const result = await runCli(['serve'], { ...env, PORT: String(port) });
    assert.equal(result.code, 1);
    assert.match(result.stderr, new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port} \\(EADDRINUSE\\); set PORT or HOST`));
  } finally {
    blocker.close();
  }
});

test('the sidecar killed with SIGKILL leaves its database running; the next start reuses it', async () => {
  const first = await startServe(env);
  await stop(first.child, 'SIGKILL');
  const second = await startServe(env);
  try {
    assert.equal((await get(`${second.url}/readyz`)).status, 200);
  } finally {
    await stop(second.child);
  }
});

test('SIGTERM while a job runs: the job finishes, its caller gets the answer, then the database stops', async () => {
  const running = await startServe(env);
  const token = running.token!;
  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${running.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as any };
  };
  let jobId: number;
  try {
    const project = await api('POST', '/api/projects', { name: 'slow', active: true });
    const task = await api('POST', `/api/projects/${project.body.id}/tasks`, {
      name: 'T',
      code: `function handle_button() { const end = Date.now() + 1500; while (Date.now() < end) {} return 'finished'; }`,
    });
    const button = await api('POST', `/api/tasks/${task.body.id}/triggers/button`, { trigger_name: 'SLOW' });
    const pressed = api('POST', `/api/triggers/button/${button.body.id}/run`, { wait: true });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const exited = new Promise<number | null>((resolve) => running.child.once('exit', resolve));
    running.child.kill('SIGTERM');
    const answer = await pressed;
    assert.equal(answer.status, 201);
    assert.equal(answer.body.state, 'done');
    assert.equal(answer.body.result, 'finished');
    jobId = answer.body.job_id;
    assert.equal(await exited, 0, 'a clean exit');
  } finally {
    await stop(running.child);
  }
  assert.doesNotMatch(running.output(), /terminating connection|"level":50/, 'no errors: the database outlived the runtime');
  const next = await startServe(env);
  try {
    const job = await get(`${next.url}/api/jobs/${jobId}`, token);
    assert.equal(job.body.state, 'done', 'the finished job was written before the database stopped');
  } finally {
    await stop(next.child);
  }
});
