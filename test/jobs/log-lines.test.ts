/**
 * A job's log lines as a user debugging it needs them: the lines task code wrote before its worker
 * was terminated (time limit, memory limit) are in the job's log, and every line carries the time
 * it was logged, not the time its batch was written.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestStack, type TestStack } from '../helpers/runtime.js';
import { pollUntil } from '../helpers/poll.js';

let s: TestStack;
before(async () => {
  s = await createTestStack({ env: { SYNC_STUDIO_JOB_MEMORY_MB: '64' } });
});
after(() => s.close());

async function runAndRead(code: string, taskTimeoutSeconds?: number) {
  const { taskId, triggerId } = await s.project(code);
  if (taskTimeoutSeconds !== undefined) await s.store.update('task', taskId, { timeout_seconds: taskTimeoutSeconds });
  const run = await s.call('developer', 'POST', `/api/triggers/button/${triggerId}/run`, { wait: true });
  assert.equal(run.status, 201, JSON.stringify(run.body));
  const logs = await s.call('user', 'GET', `/api/logs?job_id=${run.body.job_id}&limit=1000`);
  assert.equal(logs.status, 200, JSON.stringify(logs.body));
  const lines = (logs.body.items as { id: number; level: string; message: string; created_at: string }[]).sort((a, b) => a.id - b.id);
  return { job: run.body, lines };
}

describe('lines logged before the worker is terminated', () => {
  test('a loop that never yields, stopped by the time limit: the job log shows what it logged first', async () => {
    const { job, lines } = await runAndRead(
      `function handle_button() { log("looping"); log("still looping", LOG_DEBUG); while (true) {} }`,
      0.3,
    );
    assert.equal(job.state, 'failed');
    assert.equal(job.error.limit, 'time');
    const messages = lines.map((l) => l.message);
    assert.deepEqual(messages.slice(0, 3), ['Job started', 'looping', 'still looping']);
    assert.match(messages.at(-1)!, /^TimeLimitError: time limit of 0\.3 s exceeded/);
  });

  test('a memory bomb stopped by the memory limit: the job log shows what it logged first', async () => {
    const { job, lines } = await runAndRead(
      `function handle_button() { log("allocating"); const kept = []; for (;;) kept.push(new Array(100000).fill(kept.length)); }`,
    );
    assert.equal(job.state, 'failed');
    assert.equal(job.error.limit, 'memory');
    assert.ok(
      lines.some((l) => l.message === 'allocating'),
      lines.map((l) => l.message).join('\n'),
    );
  });
});

test('a loop that never yields shows the lines it logged while it still runs', async () => {
  const { taskId, triggerId } = await s.project(`function handle_button() { log("looping"); while (true) {} }`);
  await s.store.update('task', taskId, { timeout_seconds: 5 });
  const run = await s.call('developer', 'POST', `/api/triggers/button/${triggerId}/run`, {});
  assert.equal(run.status, 202);
  const seen = await pollUntil(
    () => 'the line "looping" in the job log',
    async () => {
      const logs = await s.call('user', 'GET', `/api/logs?job_id=${run.body.job_id}`);
      return logs.body.items.some((l: { message: string }) => l.message === 'looping') ? logs : undefined;
    },
  );
  assert.ok(seen);
  const job = await s.call('user', 'GET', `/api/jobs/${run.body.job_id}`);
  assert.equal(job.body.state, 'started', 'seen while the job runs');
  await s.settled(run.body.job_id);
});

test('each log line carries the time it was logged', async () => {
  const { lines } = await runAndRead(
    `function handle_button() { log("first"); const end = Date.now() + 400; while (Date.now() < end) {} log("second"); }`,
  );
  const at = (message: string) => Date.parse(lines.find((l) => l.message === message)!.created_at);
  assert.ok(at('second') - at('first') >= 400, `first at ${at('first')}, second at ${at('second')}`);
  const times = lines.map((l) => Date.parse(l.created_at));
  assert.deepEqual(
    times,
    [...times].sort((a, b) => a - b),
    'in the order they were logged',
  );
});
