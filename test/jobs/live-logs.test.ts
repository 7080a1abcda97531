/**
 * The live log stream (`GET /api/jobs/:id/logs/stream`) over a real HTTP server: lines arrive while
 * the job runs; one reader serves every viewer (50 streams cost the database what one does);
 * streams are capped per caller and end after a maximum time (a pending job's too); a job's arguments are shipped only on request. The 4.8 MB case: live-logs-large.test.ts (its own time budget).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ServerType } from '@hono/node-server';
import { listen, openStream as openAt, shut, tokenFor } from '../helpers/live-streams.js';
import { createTestStack, type TestStack } from '../helpers/runtime.js';

let s: TestStack;
let server: ServerType;
let base: string;

before(async () => {
  // A job that asks for a retry then waits an hour, pending: its streams stay open as long as the test needs.
  s = await createTestStack({ env: { SYNC_STUDIO_RETRY_DELAYS: '3600', SYNC_STUDIO_JOB_TIMEOUT: '60' } });
  ({ server, base } = await listen(s));
});
after(() => shut(s, server));

const openStream = (jobId: number, uid: number, headers: Record<string, string> = {}, at = base) => openAt(at, jobId, uid, headers);

/**
 * Task code that keeps running for `ms` while yielding now and then (a power call, as real task
 * code waiting for Odoo or an API does), so its log lines leave the worker as it goes.
 */
const keepRunning = (ms: number) =>
  `const end = Date.now() + ${ms}; while (Date.now() < end) { const t = Date.now() + 20; while (Date.now() < t) {} await get_link('live', 'x'); }`;

/** Starts a manual job that logs `first`, then keeps running for `ms`; returns its id at once. */
async function longJob(ms: number, first = 'before the loop'): Promise<number> {
  const { triggerId } = await s.project(
    `async function handle_button() { log(${JSON.stringify(first)}); ${keepRunning(ms)} log('after the loop'); }`,
  );
  const res = await s.call('developer', 'POST', `/api/triggers/button/${triggerId}/run`, {});
  assert.equal(res.status, 202);
  return res.body.job_id;
}

/** A queued job that logs `message`, then asks for a retry and waits an hour for it: pending, its streams stay open. */
async function waitingJob(message: string): Promise<number> {
  const { triggerId } = await s.project(
    `function handle_cron() { log(${JSON.stringify(message)}); throw new RetryableJobError('not now'); }`,
    {
      kind: 'cron',
    },
  );
  const res = await s.call('developer', 'POST', `/api/triggers/cron/${triggerId}/run`, {});
  return res.body.job_id;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('a live stream', () => {
  test('shows lines while the job runs, then ends with its state; Last-Event-ID resumes after a line', async () => {
    const jobId = await longJob(1500);
    const stream = await openStream(jobId, 101);
    assert.equal(stream.status, 200);
    await stream.waitFor('log', (line) => line.message === 'before the loop');
    const job = await s.call('user', 'GET', `/api/jobs/${jobId}`);
    assert.equal(job.body.state, 'started', 'the first line arrived while the job was running');
    const events = await stream.ended;
    const messages = events.filter((e) => e.event === 'log').map((e) => e.data.message);
    assert.deepEqual(messages.slice(0, 2), ['Job started', 'before the loop']);
    assert.ok(messages.includes('after the loop'));
    assert.deepEqual(events.at(-1), { event: 'end', id: undefined, data: { state: 'done' } });
    const line = events.find((e) => e.event === 'log')!;
    assert.deepEqual(Object.keys(line.data).sort(), ['created_at', 'id', 'job_id', 'level', 'message', 'name', 'type']);

    const resumed = await (await openStream(jobId, 101, { 'last-event-id': events[1]!.id! })).ended;
    assert.deepEqual(
      resumed.filter((e) => e.event === 'log').map((e) => e.data.message),
      messages.slice(2),
      'a reconnecting client gets only what it missed',
    );
  });

  test('a stream of an unknown job is a 404', async () => {
    const res = await fetch(`${base}/api/jobs/999999/logs/stream`, { headers: { authorization: `Bearer ${tokenFor(101)}` } });
    assert.equal(res.status, 404);
  });
});

describe('one reader for all viewers', () => {
  test('50 open streams cost the database what one does', async () => {
    const [first, second] = [await waitingJob('first'), await waitingJob('second')];
    const one = await openStream(first, 201);
    await one.waitFor('log', (line) => line.message === 'first');
    let before = s.liveLogs.reads;
    await sleep(1500);
    const readsWithOne = s.liveLogs.reads - before;
    one.close();

    const many = await Promise.all(Array.from({ length: 50 }, (_, i) => openStream(i % 2 ? first : second, 300 + i)));
    await Promise.all(many.map((stream) => stream.waitFor('log', (line) => line.level === 'warning')));
    before = s.liveLogs.reads;
    await sleep(1500);
    const readsWithFifty = s.liveLogs.reads - before;
    assert.equal(s.liveLogs.viewers, 50);
    assert.ok(readsWithOne > 0, 'the reader runs while someone watches');
    assert.ok(readsWithFifty <= readsWithOne + 2, `50 streams on two jobs: ${readsWithFifty} reads in 1.5 s; one stream: ${readsWithOne}`);
    for (const stream of many) stream.close();
    await sleep(400);
    assert.equal(s.liveLogs.viewers, 0, 'a client that hangs up is forgotten');
    before = s.liveLogs.reads;
    await sleep(600);
    assert.equal(s.liveLogs.reads - before, 0, 'nobody watches: nothing is read');
  });
});

describe('bounds', () => {
  let bounded: TestStack;
  let boundedServer: ServerType;
  let boundedBase: string;
  before(async () => {
    bounded = await createTestStack({ env: { SYNC_STUDIO_LIVE_STREAMS_PER_USER: '3', SYNC_STUDIO_LIVE_STREAM_MAX_SECONDS: '2' } });
    ({ server: boundedServer, base: boundedBase } = await listen(bounded));
  });
  after(() => shut(bounded, boundedServer));

  /** A job that stays pending for an hour. */
  const pendingJob = async () => {
    const { triggerId } = await bounded.project(`function handle_cron() {}`, { kind: 'cron' });
    const { jobId } = await bounded.runtime.enqueue(
      { trigger: { kind: 'cron', id: triggerId }, args: [] },
      { runAt: new Date(Date.now() + 3_600_000) },
    );
    return jobId;
  };

  test('one caller may hold 3 streams (the setting); the 4th is a 429 naming the limit; others are not affected', async () => {
    const jobId = await pendingJob();
    const mine = await Promise.all([1, 2, 3].map(() => openStream(jobId, 501, {}, boundedBase)));
    assert.ok(mine.every((stream) => stream.status === 200));
    const refused = await fetch(`${boundedBase}/api/jobs/${jobId}/logs/stream`, { headers: { authorization: `Bearer ${tokenFor(501)}` } });
    assert.equal(refused.status, 429);
    const { error } = (await refused.json()) as { error: { code: string; message: string } };
    assert.equal(error.code, 'too_many_streams');
    assert.match(error.message, /3 live log streams.*SYNC_STUDIO_LIVE_STREAMS_PER_USER/);
    const someoneElse = await openStream(jobId, 502, {}, boundedBase);
    assert.equal(someoneElse.status, 200);
    mine[0]!.close();
    await sleep(300);
    const again = await openStream(jobId, 501, {}, boundedBase);
    assert.equal(again.status, 200, 'a closed stream frees its place');
    for (const stream of [...mine, someoneElse, again]) stream.close();
  });

  test('a stream ends after the maximum time (2 s here), a pending job’s too, and frees its place', async () => {
    const jobId = await pendingJob();
    const streams = await Promise.all([1, 2, 3].map(() => openStream(jobId, 601, {}, boundedBase)));
    for (const stream of streams) {
      const events = await stream.ended;
      assert.deepEqual(events.at(-1), { event: 'end', id: undefined, data: { reason: 'max_duration', max_seconds: 2 } });
    }
    const job = await bounded.call('user', 'GET', `/api/jobs/${jobId}`);
    assert.equal(job.body.state, 'pending');
    const next = await openStream(jobId, 601, {}, boundedBase);
    assert.equal(next.status, 200);
    next.close();
  });
});
