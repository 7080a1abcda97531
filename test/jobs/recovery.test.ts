/** A job killed with the sidecar (kill -9 mid-run) is not lost: the next start runs it again. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { mintToken } from '../../server/src/auth/index.js';
import { installQueue } from '../../server/src/jobs/index.js';
import { ProjectStore } from '../../server/src/projects/index.js';
import { SecretCipher } from '../../server/src/secrets/index.js';
import { TEST_SECRET } from '../helpers/app.js';
import { startServe, stop, runCli } from '../helpers/cli.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { pollUntil } from '../helpers/poll.js';

let db: TestDatabase;
let store: ProjectStore;
before(async () => {
  db = await createTestDatabase('ss_recovery');
  await installQueue(db.pool);
  store = new ProjectStore(db.pool, new SecretCipher(TEST_SECRET));
});
after(() => db.drop());

const env = () => ({ DATABASE_URL: db.url, SYNC_STUDIO_SECRET: TEST_SECRET, PORT: '0', SYNC_STUDIO_WORKERS: '1' });

async function waitForState(jobId: number, states: string[], timeoutMs = 20_000) {
  let seen: string | undefined;
  return pollUntil(
    () => `job ${jobId} to reach ${states} (now ${seen})`,
    async () => {
      const { rows } = await db.pool.query('select state, attempts from sync_studio.job where id = $1', [jobId]);
      seen = rows[0]?.state;
      return rows[0] && states.includes(rows[0].state) ? rows[0] : undefined;
    },
    { timeoutMs, intervalMs: 50 },
  );
}

test('kill -9 during a queued job, then restart: the job runs again and finishes; nothing stays "started"', async () => {
  const project = await store.create('project', null, { name: 'crash', active: true });
  await store.create('param', project.id, { key: 'MODE', value: 'hang' });
  const task = await store.create('task', project.id, {
    name: 'T',
    code: `async function handle_cron() { log('attempt with ' + params.MODE); if (params.MODE === 'hang') await new Promise(() => {}); }`,
  });
  const cron = await store.create('cron', task.id, { trigger_name: 'NIGHTLY', active: false });

  const first = await startServe(env());
  const token = mintToken(TEST_SECRET, { uid: 2, db: 'odoo', role: 'developer', exp: Math.floor(Date.now() / 1000) + 600 });
  const response = await fetch(`${first.url}/api/triggers/cron/${cron.id}/run`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ force: true }),
  });
  assert.equal(response.status, 202);
  const { job_id: jobId } = (await response.json()) as { job_id: number };
  await waitForState(jobId, ['started']);
  await stop(first.child, 'SIGKILL');

  await store.update('param', (await store.list('param', { limit: 10 }, project.id)).items[0]!.id, { value: 'fixed' });
  const second = await startServe(env());
  try {
    const job = await waitForState(jobId, ['done', 'done_warning', 'failed']);
    assert.equal(job.state, 'done_warning', 'done, with a warning that the previous attempt was interrupted');
    assert.equal(job.attempts, 2);
    const { rows } = await db.pool.query('select level, message from sync_studio.log where job_id = $1 order by id', [jobId]);
    assert.ok(rows.some((r) => r.level === 'warning' && /interrupted/.test(r.message)));
    assert.ok(rows.some((r) => r.message === 'attempt with fixed'));
  } finally {
    await stop(second.child);
  }
});

test('sync-studio run exits 0 for a done job, 1 for a failed one, and refuses an archived project', async () => {
  const project = await store.create('project', null, { name: 'cli-run', active: true });
  const task = await store.create('task', project.id, {
    name: 'T',
    code: `function handle_button() { if (trigger_name === 'FAIL') throw new Error('told to fail'); log('button pressed: ' + trigger_name); }`,
  });
  await store.create('button', task.id, { trigger_name: 'OK' });
  await store.create('button', task.id, { trigger_name: 'FAIL' });
  const base = { DATABASE_URL: db.url, SYNC_STUDIO_SECRET: TEST_SECRET, SYNC_STUDIO_WORKERS: '1' };

  const ok = await runCli(['run', 'cli-run', 'OK'], base);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stdout, /INFO Log: button pressed: OK/);
  assert.match(ok.stdout, /: done$/m);

  const failed = await runCli(['run', String(project.id), 'FAIL'], base);
  assert.equal(failed.code, 1);
  assert.match(failed.stdout, /CRITICAL .*told to fail/);

  await store.update('project', project.id, { active: false });
  const archived = await runCli(['run', 'cli-run', 'OK'], base);
  assert.equal(archived.code, 1, archived.stdout + archived.stderr);
  assert.match(archived.stderr, /archived/);
  const forced = await runCli(['run', 'cli-run', 'OK', '--force'], base);
  assert.equal(forced.code, 0);

  const missing = await runCli(['run', 'cli-run', 'NOPE'], base);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /NOPE/);
});
