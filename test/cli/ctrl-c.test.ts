/**
 * Ctrl-C in a terminal: the terminal sends SIGINT to the whole foreground process group. The
 * embedded PostgreSQL must not get it; the sidecar lets running jobs finish (or, past the shutdown
 * grace, interrupts them), writes their outcome, answers the callers, and stops the database last.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { ChildProcess } from 'node:child_process';
import { startServe, stop } from '../helpers/cli.js';

const dataDir = await mkdtemp(join(tmpdir(), 'sync-studio-ctrl-c-'));
after(() => rm(dataDir, { recursive: true, force: true }));

const env = { SYNC_STUDIO_DATA_DIR: dataDir, PORT: '0', SYNC_STUDIO_WORKERS: '1', SYNC_STUDIO_SHUTDOWN_GRACE: '3' };

function client(url: string, token: string) {
  return async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as any };
  };
}

/** A button trigger whose handler busy-loops for `seconds`; resolves to its id. */
async function slowButton(api: ReturnType<typeof client>, name: string, seconds: number): Promise<number> {
  const project = await api('POST', '/api/projects', { name, active: true });
  const task = await api('POST', `/api/projects/${project.body.id}/tasks`, {
    name: 'T',
    code: `function handle_button() { log('working'); const end = Date.now() + ${seconds * 1000}; while (Date.now() < end) {} return 'finished'; }`,
  });
  const button = await api('POST', `/api/tasks/${task.body.id}/triggers/button`, { trigger_name: 'SLOW' });
  return button.body.id;
}

/** Presses Run Now (waiting for the job), and once the job has logged, sends Ctrl-C to the process group. */
async function pressThenCtrlC(child: ChildProcess, api: ReturnType<typeof client>, buttonId: number) {
  const pressed = api('POST', `/api/triggers/button/${buttonId}/run`, { wait: true });
  for (;;) {
    const logs = await api('GET', `/api/logs?trigger_kind=button&trigger_id=${buttonId}`);
    if (logs.body.items.some((line: { message: string }) => line.message === 'working')) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  process.kill(-child.pid!, 'SIGINT');
  return { answer: await pressed, code: await exited };
}

async function jobAfterRestart(jobId: number, token: string) {
  const next = await startServe(env);
  try {
    const api = client(next.url, token);
    const job = await api('GET', `/api/jobs/${jobId}`);
    const logs = await api('GET', `/api/logs?job_id=${jobId}&limit=1000`);
    return { job: job.body, messages: (logs.body.items as { message: string }[]).map((line) => line.message) };
  } finally {
    await stop(next.child);
  }
}

test('Ctrl-C while a job runs: the job finishes, its caller gets the answer, then the database stops', async () => {
  const running = await startServe(env, 60_000, { processGroup: true });
  const token = running.token!;
  let jobId: number;
  try {
    const api = client(running.url, token);
    const { answer, code } = await pressThenCtrlC(running.child, api, await slowButton(api, 'finishes', 1));
    assert.equal(answer.status, 201, `${JSON.stringify(answer.body)}\n${running.output()}`);
    assert.equal(answer.body.state, 'done');
    assert.equal(answer.body.result, 'finished');
    jobId = answer.body.job_id;
    assert.equal(code, 0, 'a clean exit');
  } finally {
    await stop(running.child);
  }
  assert.doesNotMatch(running.output(), /ECONNREFUSED|terminating connection|"level":50/, 'the database outlived the runtime');
  assert.equal(existsSync(join(dataDir, 'pg', 'postmaster.pid')), false, 'the embedded database was stopped last');
  const { job, messages } = await jobAfterRestart(jobId, token);
  assert.equal(job.state, 'done', 'the outcome was written before the database stopped');
  assert.ok(!messages.some((message) => /interrupted/.test(message)), messages.join('\n'));
});

test('Ctrl-C while a job runs past the shutdown grace: the job is interrupted and recorded as such at once', async () => {
  const running = await startServe(env, 60_000, { processGroup: true });
  const token = running.token!;
  let jobId: number;
  try {
    const api = client(running.url, token);
    const { answer, code } = await pressThenCtrlC(running.child, api, await slowButton(api, 'interrupted', 30));
    assert.equal(answer.status, 201, `${JSON.stringify(answer.body)}\n${running.output()}`);
    assert.equal(answer.body.state, 'failed', running.output());
    assert.match(answer.body.error.message, /the sidecar is shutting down/);
    jobId = answer.body.job_id;
    assert.equal(code, 0, 'a clean exit');
  } finally {
    await stop(running.child);
  }
  assert.equal(existsSync(join(dataDir, 'pg', 'postmaster.pid')), false, 'the embedded database was stopped last');
  const { job, messages } = await jobAfterRestart(jobId, token);
  assert.equal(job.state, 'failed');
  assert.ok(
    messages.some((message) => /WorkerStoppedError: .*the sidecar is shutting down/.test(message)),
    messages.join('\n'),
  );
  assert.ok(!messages.some((message) => /previous attempt .* was interrupted/.test(message)), 'not left for the next start to find');
});
