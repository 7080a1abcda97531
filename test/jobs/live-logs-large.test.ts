/**
 * A job with a 4.8 MB webhook request (300,000 keys, under the 10 MB limit) waiting to run: 200 live
 * streams of it leave /readyz and the API answering (each used to re-read the whole job row every
 * 150 ms), and the job's arguments travel only when asked for.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ServerType } from '@hono/node-server';
import { listen, openStream, shut } from '../helpers/live-streams.js';
import { createTestStack, type TestStack } from '../helpers/runtime.js';

let s: TestStack;
let server: ServerType;
let base: string;

before(async () => {
  s = await createTestStack();
  ({ server, base } = await listen(s));
});
after(() => shut(s, server));

describe('a job with a 4.8 MB webhook request', () => {
  test('200 streams of it leave other requests answering, and its arguments are not shipped unless asked', async () => {
    // The job a queued webhook makes of a 4.8 MB request, written by the runtime itself; it waits an hour to run.
    const { triggerId } = await s.project(`function handle_webhook(request) {}`, { kind: 'webhook', trigger: { reply_mode: 'queued' } });
    const json = Object.fromEntries(Array.from({ length: 300_000 }, (_, i) => [`key-${i}`, i]));
    assert.ok(JSON.stringify(json).length > 4_500_000);
    const { jobId } = await s.runtime.enqueue(
      { trigger: { kind: 'webhook', id: triggerId }, args: [{ method: 'POST', json }] },
      { runAt: new Date(Date.now() + 3_600_000) },
    );

    const streams = await Promise.all(Array.from({ length: 200 }, (_, i) => openStream(base, jobId, 1000 + i)));
    assert.ok(streams.every((stream) => stream.status === 200));
    while (s.liveLogs.viewers < 200) await new Promise((resolve) => setTimeout(resolve, 50));

    const ready = await fetch(`${base}/readyz`);
    assert.equal(ready.status, 200);
    const job = await s.call('user', 'GET', `/api/jobs/${jobId}`);
    assert.equal(job.body.state, 'pending');
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
