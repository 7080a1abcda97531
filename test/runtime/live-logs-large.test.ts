/**
 * A job with a 4.8 MB webhook request (300,000 keys, under the 10 MB limit): 200 live streams of it
 * leave /readyz and the API answering, and the job's arguments travel only when asked for.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ServerType } from '@hono/node-server';
import { listen, openStream, postOnFreshConnection, shut } from '../helpers/live-streams.js';
import { createTestStack, type TestStack } from '../helpers/runtime.js';

let s: TestStack;
let server: ServerType;
let base: string;

before(async () => {
  // The job asks for a retry, then waits an hour for it: pending, its streams stay open as long as the test needs.
  s = await createTestStack({ env: { SYNC_STUDIO_RETRY_DELAYS: '3600', SYNC_STUDIO_JOB_TIMEOUT: '60' } });
  ({ server, base } = await listen(s));
});
after(() => shut(s, server));

describe('a job with a 4.8 MB webhook request', () => {
  test('200 streams of it leave other requests answering, and its arguments are not shipped unless asked', async () => {
    const { triggerId } = await s.project(
      `function handle_webhook(request) { log('keys: ' + Object.keys(request.json).length); throw new RetryableJobError('not now'); }`,
      { kind: 'webhook', trigger: { reply_mode: 'queued' } },
    );
    const { rows } = await s.db.pool.query('select path from sync_studio.trigger_webhook where id = $1', [triggerId]);
    const body = JSON.stringify(Object.fromEntries(Array.from({ length: 300_000 }, (_, i) => [`key-${i}`, i])));
    assert.ok(body.length > 4_500_000 && body.length < 10 * 1024 * 1024);
    const answer = await postOnFreshConnection(`${base}/sync/webhook/${rows[0].path}`, body);
    assert.equal(answer.status, 202);
    const { job_id: jobId } = JSON.parse(answer.body) as { job_id: number };

    const streams = await Promise.all(Array.from({ length: 200 }, (_, i) => openStream(base, jobId, 1000 + i)));
    assert.ok(streams.every((stream) => stream.status === 200));
    await Promise.all(streams.map((stream) => stream.waitFor('log', (line) => line.message === 'keys: 300000')));
    await Promise.all(streams.map((stream) => stream.waitFor('log', (line) => /retrying at/.test(line.message))));
    assert.equal(s.liveLogs.viewers, 200);

    const ready = await fetch(`${base}/readyz`);
    assert.equal(ready.status, 200);
    const job = await s.call('user', 'GET', `/api/jobs/${jobId}`);
    assert.equal(job.body.state, 'pending', 'waiting for its retry, with 200 streams open');
    assert.equal(job.body.args, undefined, 'no arguments unless asked for');
    assert.equal(s.liveLogs.viewers, 200, '/readyz and /api/jobs/:id answered while all 200 streams were open');
    assert.ok(streams.every((stream) => !stream.events.some((e) => e.event === 'end')));

    const withArgs = await s.call('user', 'GET', `/api/jobs/${jobId}?include=args`);
    assert.equal(Object.keys(withArgs.body.args[0].json).length, 300_000, 'asked for: the arguments are there');
    const bad = await s.call('user', 'GET', `/api/jobs/${jobId}?include=everything`);
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.message, /include/);
    for (const stream of streams) stream.close();
  });
});
