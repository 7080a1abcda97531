/**
 * What a caller can make a sidecar do at once: per-webhook concurrency and rate (429 with
 * Retry-After, nothing stored), and the bound on immediate jobs in the sandbox (503 with
 * Retry-After, no job row). Handlers are held in flight by a local HTTP server that answers only
 * when the test releases it.
 */
import assert from 'node:assert/strict';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { mintToken } from '../../server/src/auth/index.js';
import { TEST_SECRET } from '../helpers/app.js';
import { pollUntil } from '../helpers/poll.js';
import { createTestStack, type TestStack } from '../helpers/runtime.js';

/** Holds every request until `release()`. */
function holdServer() {
  const held: ServerResponse[] = [];
  const server = createServer((_req, res) => void held.push(res));
  return {
    held,
    url: () => `http://127.0.0.1:${(server.address() as AddressInfo).port}/hold`,
    listen: () => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve)),
    release: () => {
      for (const res of held.splice(0)) res.end('released');
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const HELD_HANDLER = `async function handle_webhook(request) { await http.get(params.HOLD); return { released: true }; }`;

async function heldWebhook(s: TestStack, holdUrl: string, trigger: Record<string, unknown> = {}) {
  const ids = await s.project(HELD_HANDLER, { kind: 'webhook', trigger });
  await s.store.create('param', ids.projectId, { key: 'HOLD', value: holdUrl });
  const { rows } = await s.db.pool.query('select path from sync_studio.trigger_webhook where id = $1', [ids.triggerId]);
  return { ...ids, url: `/sync/webhook/${rows[0].path}` };
}

const developerToken = () => mintToken(TEST_SECRET, { uid: 2, db: 'odoo', role: 'developer', exp: Math.floor(Date.now() / 1000) + 600 });

const post = (s: TestStack, url: string) =>
  s.app.request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });

async function rowsOf(s: TestStack, triggerId: number) {
  const { rows } = await s.db.pool.query<{ jobs: number; journal: number }>(
    `select (select count(*)::int from sync_studio.job where trigger_kind = 'webhook' and trigger_id = $1) as jobs,
            (select count(*)::int from sync_studio.webhook_request where trigger_id = $1) as journal`,
    [triggerId],
  );
  return rows[0]!;
}

describe('concurrency per webhook and the bound on immediate jobs', () => {
  let s: TestStack;
  const hold = holdServer();
  before(async () => {
    await hold.listen();
    s = await createTestStack({
      env: { SYNC_STUDIO_EGRESS_ALLOW: '127.0.0.1', SYNC_STUDIO_WEBHOOK_CONCURRENCY: '2', SYNC_STUDIO_SANDBOX_QUEUE: '3' },
    });
  });
  after(async () => {
    hold.release();
    await s.close();
    await hold.close();
  });

  test('a webhook handling its limit of requests answers 429 with Retry-After and stores nothing for the refused one', async () => {
    const hook = await heldWebhook(s, hold.url());
    const inFlight = [post(s, hook.url), post(s, hook.url)];
    await pollUntil('two handlers held', () => hold.held.length === 2);
    const refused = await post(s, hook.url);
    assert.equal(refused.status, 429);
    assert.equal(refused.headers.get('retry-after'), '1');
    const body = (await refused.json()) as { error: { code: string; message: string } };
    assert.equal(body.error.code, 'too_many_requests');
    assert.match(body.error.message, /already handling 2 requests/);
    assert.deepEqual(await rowsOf(s, hook.triggerId), { jobs: 2, journal: 2 });
    hold.release();
    for (const res of await Promise.all(inFlight)) assert.equal(res.status, 200);
    const again = post(s, hook.url);
    await pollUntil('the next handler held', () => hold.held.length === 1);
    hold.release();
    assert.equal((await again).status, 200, 'admitted again once the others finished');
  });

  test('beyond SYNC_STUDIO_SANDBOX_QUEUE immediate jobs, webhooks and Run Now answer 503 with Retry-After and write no job', async () => {
    const first = await heldWebhook(s, hold.url());
    const second = await heldWebhook(s, hold.url());
    const button = await s.project(`function handle_button() { return 'ran'; }`);
    const inFlight = [post(s, first.url), post(s, first.url), post(s, second.url)];
    await pollUntil('three handlers held', () => hold.held.length === 3);
    const busy = await post(s, second.url);
    assert.equal(busy.status, 503);
    assert.equal(busy.headers.get('retry-after'), '1');
    assert.equal(((await busy.json()) as { error: { code: string } }).error.code, 'sandbox_busy');
    assert.deepEqual(await rowsOf(s, second.triggerId), { jobs: 1, journal: 1 }, 'the refused request left no job');
    const runNow = await s.app.request(`/api/triggers/button/${button.triggerId}/run`, {
      method: 'POST',
      headers: { authorization: `Bearer ${developerToken()}`, 'content-type': 'application/json' },
      body: '{"wait": true}',
    });
    assert.equal(runNow.status, 503);
    assert.equal(runNow.headers.get('retry-after'), '1');
    assert.match(((await runNow.json()) as { error: { message: string } }).error.message, /SYNC_STUDIO_SANDBOX_QUEUE/);
    hold.release();
    for (const res of await Promise.all(inFlight)) assert.equal(res.status, 200);
    const ran = await s.call('developer', 'POST', `/api/triggers/button/${button.triggerId}/run`, { wait: true });
    assert.equal(ran.body.result, 'ran', 'room again once they finished');
  });
});

describe('rate per webhook', () => {
  let s: TestStack;
  before(async () => {
    // One request per 100 s: the second one within the test is always over the rate.
    s = await createTestStack({ env: { SYNC_STUDIO_WEBHOOK_RATE: '0.01' } });
  });
  after(() => s.close());

  test('a webhook over its rate answers 429 with the seconds until its next request; other webhooks are not affected', async () => {
    const code = `function handle_webhook(request) { return { ok: true }; }`;
    const make = async () => {
      const ids = await s.project(code, { kind: 'webhook' });
      const { rows } = await s.db.pool.query('select path from sync_studio.trigger_webhook where id = $1', [ids.triggerId]);
      return { ...ids, url: `/sync/webhook/${rows[0].path}` };
    };
    const hook = await make();
    assert.equal((await post(s, hook.url)).status, 200);
    const over = await post(s, hook.url);
    assert.equal(over.status, 429);
    const retryAfter = Number(over.headers.get('retry-after'));
    assert.ok(retryAfter > 90 && retryAfter <= 100, `Retry-After ${retryAfter}`);
    assert.match(((await over.json()) as { error: { message: string } }).error.message, /accepts 0.01 requests per second/);
    assert.deepEqual(await rowsOf(s, hook.triggerId), { jobs: 1, journal: 1 });
    const other = await make();
    assert.equal((await post(s, other.url)).status, 200, 'each webhook has its own budget');
  });
});
