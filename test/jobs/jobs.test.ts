/** Jobs end to end: Run Now, states from log levels, retries, sub-jobs, requeue, archived projects. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestStack, logsOf, type TestStack } from '../helpers/runtime.js';
import { pollUntil } from '../helpers/poll.js';

let s: TestStack;
before(async () => {
  // The retry test's counter is a stub server on loopback, which the egress policy refuses unless allowed.
  s = await createTestStack({ env: { SYNC_STUDIO_EGRESS_ALLOW: '127.0.0.1' } });
});
after(() => s.close());

const runButton = async (triggerId: number, body: unknown = { wait: true }) =>
  s.call('developer', 'POST', `/api/triggers/button/${triggerId}/run`, body);

describe('Run Now', () => {
  test('answers at once with the job (id, state, links to the job and its log stream) while the job runs', async () => {
    const { triggerId } = await s.project(
      `function handle_button() { log('before the loop'); const end = Date.now() + 1500; while (Date.now() < end) {} return 'finished'; }`,
    );
    const res = await runButton(triggerId, {});
    assert.equal(res.status, 202);
    assert.deepEqual(Object.keys(res.body).sort(), ['job_id', 'links', 'state'], 'snake_case, nothing else');
    assert.equal(res.body.state, 'started');
    assert.deepEqual(res.body.links, { job: `/api/jobs/${res.body.job_id}`, log_stream: `/api/jobs/${res.body.job_id}/logs/stream` });
    const running = await s.call('user', 'GET', res.body.links.job);
    assert.equal(running.body.state, 'started', 'the answer came while the job was still running');
    const stream = await s.call('user', 'GET', res.body.links.log_stream);
    assert.match(stream.body, /before the loop/);
    assert.match(stream.body, /event: end\ndata: \{"state":"done"\}/);
    const job = await s.settled(res.body.job_id);
    assert.equal(job.state, 'done');
    assert.equal(job.result, 'finished');
  });

  test('runs the handler at once and returns the job with its result and logs', async () => {
    const { triggerId } = await s.project(`function handle_button() { log('hello from ' + trigger_name); return { ok: 1 }; }`);
    const res = await runButton(triggerId);
    assert.equal(res.status, 201);
    assert.equal(res.body.state, 'done');
    assert.deepEqual(res.body.result, { ok: 1 });
    const lines = await logsOf(s, res.body.job_id);
    assert.deepEqual(
      lines.map((l) => [l.level, l.message.split(':')[0]]),
      [
        ['debug', 'Job started'],
        ['info', 'hello from GO'],
        ['debug', 'Executing handle_button'],
        ['info', 'Job finished'],
      ],
    );
    const job = await s.call('user', 'GET', `/api/jobs/${res.body.job_id}`);
    assert.equal(job.body.state, 'done');
    assert.equal(job.body.function, 'handle_button');
    assert.equal(job.body.trigger_name, 'GO');
  });

  test('a warning makes the job done_warning, an error log makes it failed', async () => {
    const warn = await s.project(`function handle_button() { log('careful', LOG_WARNING); }`);
    assert.equal((await runButton(warn.triggerId)).body.state, 'done_warning');
    const err = await s.project(`function handle_button() { log('broken', LOG_ERROR); }`);
    assert.equal((await runButton(err.triggerId)).body.state, 'failed');
  });

  test('an exception fails the job with the stack in a critical log line, not in the response', async () => {
    const { triggerId } = await s.project(
      `function helper() { throw new Error('boom in helper'); }\nfunction handle_button() { helper(); }`,
    );
    const res = await runButton(triggerId);
    assert.equal(res.body.state, 'failed');
    assert.equal(res.body.error.message, 'boom in helper');
    const critical = (await logsOf(s, res.body.job_id)).find((l) => l.level === 'critical');
    assert.ok(critical, 'a critical line is logged');
    assert.match(critical.message, /boom in helper/);
    assert.match(critical.message, /helper/);
  });

  test('an archived project is refused with a clear message unless forced', async () => {
    const { projectId, triggerId } = await s.project(`function handle_button() { log('ran'); }`);
    await s.store.update('project', projectId, { active: false });
    const refused = await runButton(triggerId);
    assert.equal(refused.status, 409);
    assert.match(refused.body.error.message, /archived/);
    const forced = await runButton(triggerId, { force: true, wait: true });
    assert.equal(forced.body.state, 'done');
  });

  test('a user may not press Run Now', async () => {
    const { triggerId } = await s.project(`function handle_button() {}`);
    assert.equal((await s.call('user', 'POST', `/api/triggers/button/${triggerId}/run`, { wait: true })).status, 403);
  });
});

test('the syntax check reports line and column without running the code', async () => {
  const res = await s.call('developer', 'POST', '/api/syntax-check', { code: 'function handle_button() {\n  log("x";\n}' });
  assert.equal(res.status, 200);
  assert.equal(res.body.problems.length, 1);
  assert.equal(res.body.problems[0].line, 2);
  assert.ok(res.body.problems[0].column > 0);
  assert.deepEqual((await s.call('developer', 'POST', '/api/syntax-check', { code: 'const a = 1;' })).body.problems, []);
});

test('the syntax check needs the developer role (a user gets 403)', async () => {
  const refused = await s.call('user', 'POST', '/api/syntax-check', { code: 'const a = 1;' });
  assert.equal(refused.status, 403);
  assert.match(refused.body.error.message, /developer/);
});

describe('queued jobs', () => {
  test('RetryableJobError retries after the configured delays, then the job is done', async () => {
    const { triggerId, projectId } = await s.project(
      `async function handle_cron() {
         const seen = await env_counter();
         if (seen < 3) throw new RetryableJobError('not yet (' + seen + ')');
         log('made it');
       }
       async function env_counter() { return (await http.get(params.COUNTER_URL)).data; }`,
      { kind: 'cron' },
    );
    void projectId;
    // A counter the task reads over HTTP: each attempt sees one more.
    const { createServer } = await import('node:http');
    let hits = 0;
    const server = createServer((_req, res) => res.end(String(++hits)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    await s.store.create('param', projectId, { key: 'COUNTER_URL', value: `http://127.0.0.1:${port}/` });
    try {
      const res = await s.call('developer', 'POST', `/api/triggers/cron/${triggerId}/run`, {});
      assert.equal(res.status, 202);
      const job = await s.settled(res.body.job_id);
      assert.equal(job.state, 'done');
      assert.equal(job.attempts, 3);
      const lines = await logsOf(s, res.body.job_id);
      assert.equal(lines.filter((l) => /retrying at/.test(l.message)).length, 2);
      const listed = await s.call('user', 'GET', `/api/jobs/${res.body.job_id}`);
      assert.equal(listed.body.retrying_at, null, 'a finished job is not waiting for a retry');
      assert.ok(lines.some((l) => l.message === 'made it'));
      assert.ok(
        lines.some((l) => l.type === 'data_out' && l.message.startsWith('GET http://127.0.0.1')),
        'http requests are logged as data_out',
      );
      assert.ok(
        lines.some((l) => l.type === 'data_in'),
        'http responses are logged as data_in',
      );
    } finally {
      server.close();
    }
  });

  test('a job that keeps raising RetryableJobError fails after max attempts', async () => {
    const { triggerId } = await s.project(
      `function handle_button() { add_job('flaky', { max_retries: 3 })(); }
       function flaky() { throw new RetryableJobError('still down'); }`,
    );
    const res = await runButton(triggerId);
    assert.equal(res.body.state, 'done');
    const { rows } = await s.db.pool.query('select id from sync_studio.job where parent_job_id = $1', [res.body.job_id]);
    const sub = await s.settled(rows[0].id);
    assert.equal(sub.state, 'failed');
    assert.equal(sub.attempts, 3);
    const lines = await logsOf(s, sub.id);
    assert.ok(lines.some((l) => /gave up after 3 attempts/.test(l.message)));
    const parent = await s.call('user', 'GET', `/api/jobs/${res.body.job_id}`);
    assert.equal(parent.body.effective_state, 'failed', "a parent's state includes its sub-jobs");
  });

  test('sub-jobs run with their arguments; a duplicate identity_key that has not run yet is dropped', async () => {
    const { triggerId } = await s.project(
      `function handle_button() {
         add_job('work', { identity_key: 'k1', eta: new Date(Date.now() + 300).toISOString() })('a', 1);
         add_job('work', { identity_key: 'k1' })('b', 2);
         add_job(work, { description: 'plain' })({ nested: [1, 2] });
       }
       function work(...args) { log('work ' + JSON.stringify(args)); }`,
    );
    const res = await runButton(triggerId);
    const parent = await s.settled(res.body.job_id);
    assert.equal(parent.state, 'done');
    const { rows } = await s.db.pool.query(
      'select id, args, function, description from sync_studio.job where parent_job_id = $1 order by id',
      [res.body.job_id],
    );
    assert.equal(rows.length, 2, 'the duplicate identity key was dropped');
    assert.deepEqual(rows[0].args, ['a', 1]);
    assert.deepEqual(rows[1].args, [{ nested: [1, 2] }]);
    assert.equal(rows[1].description, 'plain');
    for (const row of rows) assert.equal((await s.settled(row.id)).state, 'done');
    const parentLines = await logsOf(s, res.body.job_id);
    assert.ok(parentLines.some((l) => /dropped/.test(l.message)));
  });

  test('a job waiting for its retry shows when it runs next; RetryableJobError can choose the delay', async () => {
    const { triggerId } = await s.project(`function handle_cron() { throw new RetryableJobError('come back later', { seconds: 3600 }); }`, {
      kind: 'cron',
    });
    const before = Date.now();
    const res = await s.call('developer', 'POST', `/api/triggers/cron/${triggerId}/run`, {});
    const waiting = await pollUntil(`job ${res.body.job_id} to wait for its retry`, async () => {
      const job = (await s.call('user', 'GET', `/api/jobs/${res.body.job_id}`)).body;
      return job.retrying_at ? job : undefined;
    });
    assert.equal(waiting.state, 'pending');
    assert.equal(waiting.attempts, 1);
    const delay = new Date(waiting.retrying_at).getTime() - before;
    assert.ok(delay > 3590_000 && delay < 3700_000, `retrying in about an hour, got ${delay} ms`);
    const listed = await s.call('user', 'GET', `/api/jobs?state=pending&trigger_id=${triggerId}`);
    assert.equal(listed.body.items[0].retrying_at, waiting.retrying_at);
  });

  test('a failed job requeued runs again with the task current code', async () => {
    const { triggerId, taskId } = await s.project(`function handle_cron() { throw new Error('bug'); }`, { kind: 'cron' });
    const res = await s.call('developer', 'POST', `/api/triggers/cron/${triggerId}/run`, {});
    assert.equal((await s.settled(res.body.job_id)).state, 'failed');
    await s.store.update('task', taskId, { code: `function handle_cron() { log('fixed'); }` });
    const requeued = await s.call('developer', 'POST', `/api/jobs/${res.body.job_id}/requeue`, {});
    assert.equal(requeued.status, 202);
    const job = await s.settled(res.body.job_id);
    assert.equal(job.state, 'done');
    assert.ok((await logsOf(s, res.body.job_id)).some((l) => l.message === 'fixed'));
    const again = await s.call('developer', 'POST', `/api/jobs/${res.body.job_id}/requeue`, {});
    assert.equal(again.status, 409, 'only failed jobs can be requeued');
  });
});
