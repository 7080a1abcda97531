/** Logs: filters, grouped counts, the live stream, capping, retention, and secret values never written. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { mintToken } from '../../server/src/auth/index.js';
import type { EvalContextPlugin } from '../../server/src/plugins/index.js';
import { pruneHistory } from '../../server/src/history/index.js';
import { TEST_SECRET } from '../helpers/app.js';
import { createTestStack, logsOf, type TestStack } from '../helpers/runtime.js';

const SECRET = 'tg-bot-token-7f3a9c1e55';

/** A plugin like the Telegram one: it sees the secret, task code only gets its functions. */
const echoPlugin: EvalContextPlugin = {
  name: 'echo',
  displayName: 'Echo (test)',
  description: 'Exports echo.token(), which leaks the bot token to prove redaction.',
  exportNames: ['leak_token', 'greeting'],
  create(secrets, context) {
    if (!secrets.BOT_TOKEN) throw new Error('Bot token is not set');
    return {
      leak_token: () => {
        context.log(`plugin sees ${secrets.BOT_TOKEN}`);
        return secrets.BOT_TOKEN;
      },
      greeting: 'hi from plugin',
    };
  },
};

let s: TestStack;
before(async () => {
  s = await createTestStack({ plugins: [echoPlugin] });
});
after(() => s.close());

const run = async (triggerId: number) => (await s.call('developer', 'POST', `/api/triggers/button/${triggerId}/run`, { wait: true })).body;

describe('secret redaction', () => {
  test('a secret value is redacted from every log line and error, whatever path it takes', async () => {
    const { projectId, triggerId } = await s.project(
      `async function handle_button() {
         const token = await leak_token();
         log('task got ' + token + ' / ' + encodeURIComponent(token) + ' / ' + JSON.stringify({ token }));
         log_transmission('somewhere', token);
         log(greeting);
         throw new Error('failing with ' + token);
       }`,
      { evalContexts: ['echo'] },
    );
    await s.store.create('secret', projectId, { key: 'BOT_TOKEN', value: SECRET });
    const outcome = await run(triggerId);
    assert.equal(outcome.state, 'failed');
    assert.ok(!JSON.stringify(outcome).includes(SECRET), 'not in the API response');
    const lines = await logsOf(s, outcome.job_id);
    assert.ok(
      lines.some((l) => l.message === 'hi from plugin'),
      'plugin values reach task code',
    );
    assert.ok(lines.some((l) => /task got \[redacted\]/.test(l.message)));
    const all =
      JSON.stringify(lines) + JSON.stringify((await s.db.pool.query('select * from sync_studio.job where id = $1', [outcome.job_id])).rows);
    assert.ok(!all.includes(SECRET), 'the secret appears nowhere in the job or its logs');
  });

  test('a secret value returned by the handler is redacted from the stored result', async () => {
    const { projectId, triggerId } = await s.project(`async function handle_button() { return { token: await leak_token() }; }`, {
      evalContexts: ['echo'],
    });
    await s.store.create('secret', projectId, { key: 'BOT_TOKEN', value: SECRET });
    const outcome = await run(triggerId);
    assert.deepEqual(outcome.result, { token: '[redacted]' }, 'not in the Run Now answer');
    const job = await s.call('user', 'GET', `/api/jobs/${outcome.job_id}`);
    assert.deepEqual(job.body.result, { token: '[redacted]' });
  });

  test('a plugin whose setup fails (missing secret) fails only the calls that need it', async () => {
    const { triggerId } = await s.project(`async function handle_button() { log('still runs'); await leak_token(); }`, {
      evalContexts: ['echo'],
    });
    const outcome = await run(triggerId);
    assert.equal(outcome.state, 'failed');
    const lines = await logsOf(s, outcome.job_id);
    assert.ok(lines.some((l) => l.message === 'still runs'));
    assert.ok(lines.some((l) => /plugin echo (could not be set up|is not set up): Bot token is not set/.test(l.message)));
  });

  test('task code cannot read secrets: reaching for secrets.X fails with an error that says where secrets go', async () => {
    const { projectId, triggerId } = await s.project(`function handle_button() { return secrets.X; }`);
    await s.store.create('secret', projectId, { key: 'X', value: 'hidden-value-123' });
    const job = await run(triggerId);
    assert.equal(job.state, 'failed');
    assert.match(job.error.message, /^secrets\.X: task code never sees secret values\. .*plugins.*secret\('KEY'\)/);
    assert.doesNotMatch(JSON.stringify(job), /hidden-value-123/);
  });
});

describe('the logs API', () => {
  let jobA: number;
  let jobB: number;
  let projectA: number;
  before(async () => {
    const a = await s.project(`function handle_button() { log('d', LOG_DEBUG); log('w', LOG_WARNING); log('e', LOG_ERROR); }`);
    projectA = a.projectId;
    jobA = (await run(a.triggerId)).job_id;
    const b = await s.project(`function handle_button() { log('x'.repeat(200000)); }`);
    jobB = (await run(b.triggerId)).job_id;
  });

  test('filters by project, job, level, type and job state', async () => {
    const byProject = await s.call('user', 'GET', `/api/logs?project_id=${projectA}`);
    assert.ok(byProject.body.items.every((l: { project_id: number }) => l.project_id === projectA));
    const warnings = await s.call('user', 'GET', `/api/logs?job_id=${jobA}&level=warning&level=error`);
    assert.deepEqual(warnings.body.items.map((l: { message: string }) => l.message).sort(), ['e', 'w']);
    const failedJobs = await s.call('user', 'GET', `/api/logs?state=failed&job_id=${jobA}`);
    assert.ok(failedJobs.body.total > 0);
    const doneOnly = await s.call('user', 'GET', `/api/logs?state=done&job_id=${jobA}`);
    assert.equal(doneOnly.body.total, 0);
    const bad = await s.call('user', 'GET', '/api/logs?level=loud');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.field, 'level');
  });

  test('counts grouped by any dimension', async () => {
    const counts = await s.call('user', 'GET', `/api/logs/counts?job_id=${jobA}&group_by=level`);
    const byLevel = Object.fromEntries(counts.body.groups.map((g: { level: string; count: number }) => [g.level, g.count]));
    assert.equal(byLevel.warning, 1);
    assert.equal(byLevel.error, 1);
    const byJobAndType = await s.call('user', 'GET', `/api/logs/counts?group_by=job_id&group_by=type&project_id=${projectA}`);
    assert.deepEqual(Object.keys(byJobAndType.body.groups[0]).sort(), ['count', 'job_id', 'type']);
  });

  test('jobs are listed with filters and durations', async () => {
    const failed = await s.call('user', 'GET', `/api/jobs?project_id=${projectA}&state=failed`);
    assert.equal(failed.body.items.length, 1);
    assert.equal(failed.body.items[0].id, jobA);
    assert.ok(failed.body.items[0].duration_ms >= 0);
  });

  test('a very long message is capped with a marker, not dropped', async () => {
    const lines = await logsOf(s, jobB);
    const long = lines.find((l) => l.message.startsWith('xxxx'))!;
    assert.ok(long.message.length < 200000);
    assert.match(long.message, /truncated: \d+ more characters/);
  });

  test('one job writes at most SYNC_STUDIO_JOB_MAX_LOG_LINES (default 5,000) of its lines, then one line counting the rest', async () => {
    const { triggerId } = await s.project(
      `function handle_button() { for (let i = 0; i < 20000; i++) log('line ' + i); return 'looped'; }`,
    );
    const outcome = await run(triggerId);
    assert.equal(outcome.result, 'looped');
    assert.equal(outcome.state, 'done_warning', 'the cap shows in the job state');
    const lines = await logsOf(s, outcome.job_id);
    assert.equal(lines.filter((l) => /^line \d+$/.test(l.message)).length, 5000);
    const counted = lines.filter((l) => /log lines were dropped/.test(l.message));
    assert.equal(counted.length, 1);
    assert.equal(counted[0]!.level, 'warning');
    assert.match(
      counted[0]!.message,
      /^15000 more log lines were dropped: a job writes at most 5000 lines \(SYNC_STUDIO_JOB_MAX_LOG_LINES\)$/,
    );
    assert.ok(
      lines.some((l) => l.message === 'Job finished'),
      "the host's own lines are always written",
    );
    const api = await s.call('user', 'GET', `/api/jobs/${outcome.job_id}`);
    assert.equal(api.body.state, 'done_warning');
  });

  test('the live stream (SSE) sends a job log lines and ends with its state', async () => {
    const { triggerId } = await s.project(`function handle_cron() { for (let i = 0; i < 3; i++) log('line ' + i); }`, { kind: 'cron' });
    const queued = await s.call('developer', 'POST', `/api/triggers/cron/${triggerId}/run`, {});
    const token = mintToken(TEST_SECRET, { uid: 1, db: 'odoo', role: 'user', exp: Math.floor(Date.now() / 1000) + 60 });
    const response = await s.app.request(`/api/jobs/${queued.body.job_id}/logs/stream`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(response.headers.get('content-type'), 'text/event-stream');
    const text = await response.text();
    for (const i of [0, 1, 2]) assert.match(text, new RegExp(`line ${i}`));
    assert.match(text, /event: end\ndata: \{"state":"done"\}/);
  });

  test('jobs and logs older than the retention are pruned; recent ones stay', async () => {
    await s.db.pool.query(`update sync_studio.job set created_at = now() - interval '40 days' where id = $1`, [jobA]);
    const pruned = await pruneHistory(s.db.pool, 30, new Date());
    assert.ok(pruned.jobs >= 1);
    assert.equal((await s.db.pool.query('select count(*)::int as n from sync_studio.log where job_id = $1', [jobA])).rows[0].n, 0);
    assert.ok((await s.db.pool.query('select count(*)::int as n from sync_studio.log where job_id = $1', [jobB])).rows[0].n > 0);
  });
});
