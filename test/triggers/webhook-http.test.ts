/**
 * Webhooks over a real HTTP server on a random port (the node server main.ts creates, with the
 * same limits): many concurrent clients, slow clients, oversized headers, bodies streamed in
 * chunks (whole, over the limit, cut off), the peer address.
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { serve, type ServerType } from '@hono/node-server';
import { httpServerOptions, defaultHttpServerLimits } from '../../server/src/triggers/index.js';
import { createTestStack, type TestStack } from '../helpers/runtime.js';

let s: TestStack;
/** As main.ts serves (production limits). */
let server: ServerType;
let base: string;
/** The same app with short header/request timeouts, so the slow-client tests end quickly. */
let impatient: ServerType;
let path: string;
let triggerId: number;
const MAX_BYTES = 100_000;

before(async () => {
  s = await createTestStack({ env: { SYNC_STUDIO_WORKERS: '2', SYNC_STUDIO_WEBHOOK_MAX_BYTES: String(MAX_BYTES) } });
  const listen = (limits: typeof defaultHttpServerLimits) =>
    new Promise<ServerType>((resolve) => {
      const started = serve({ fetch: s.app.fetch, port: 0, hostname: '127.0.0.1', serverOptions: httpServerOptions(limits) }, () =>
        resolve(started),
      );
    });
  server = await listen(defaultHttpServerLimits);
  impatient = await listen({ ...defaultHttpServerLimits, headersTimeoutMs: 500, requestTimeoutMs: 1000 });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const ids = await s.project(
    `function handle_webhook(request) { return { id: request.json.id, echo: request.json.payload, from: request.remote_addr }; }`,
    { kind: 'webhook' },
  );
  triggerId = ids.triggerId;
  const { rows } = await s.db.pool.query('select path from sync_studio.trigger_webhook where id = $1', [triggerId]);
  path = `/sync/webhook/${rows[0].path}`;
});
after(async () => {
  for (const listening of [server, impatient]) await new Promise<void>((resolve) => listening.close(() => resolve()));
  await s.close();
});

describe('a real server', () => {
  test('50 concurrent clients each get their own answer', async () => {
    const clients = Array.from({ length: 50 }, (_, id) => ({ id, payload: `p-${id}-${'x'.repeat(id * 10)}` }));
    const answers = await Promise.all(
      clients.map(async (body) => {
        const res = await fetch(`${base}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        const text = await res.text();
        assert.equal(res.status, 200, `client ${body.id}: ${res.status} ${text}`);
        return { status: res.status, body: JSON.parse(text) as { id: number; echo: string; from: string } };
      }),
    );
    for (const [i, answer] of answers.entries()) {
      assert.equal(answer.status, 200);
      assert.equal(answer.body.id, i);
      assert.equal(answer.body.echo, clients[i]!.payload);
      assert.equal(answer.body.from, '127.0.0.1', 'remote_addr is the peer address');
    }
    const { rows } = await s.db.pool.query(
      `select state, count(*)::int from sync_studio.job where trigger_kind = 'webhook' and trigger_id = $1 group by state`,
      [triggerId],
    );
    assert.deepEqual(rows, [{ state: 'done', count: 50 }]);
    const journal = await s.db.pool.query(
      'select count(*)::int as n, count(job_id)::int as linked from sync_studio.webhook_request where trigger_id = $1',
      [triggerId],
    );
    assert.deepEqual(journal.rows[0], { n: 50, linked: 50 });
  });

  test('a client that never finishes its headers is cut off (408), not waited for forever', async () => {
    const socket = connect((impatient.address() as AddressInfo).port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString()));
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write(`POST ${path} HTTP/1.1\r\nHost: x\r\nX-Slow: `);
    await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    assert.match(received, /^HTTP\/1\.1 408/);
  });

  test('a client that sends its body too slowly is cut off too', async () => {
    const socket = connect((impatient.address() as AddressInfo).port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString()));
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write(`POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"id":`);
    await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    assert.doesNotMatch(received, /^HTTP\/1\.1 200/);
  });

  test('headers over the limit are refused with 431', async () => {
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-big': 'y'.repeat(20_000) },
      body: '{}',
    });
    assert.equal(res.status, 431);
  });

  /** A POST whose body goes out as chunked transfer encoding, one chunk per part (no content-length). */
  const postChunked = (parts: string[]) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new ReadableStream({
        start(controller) {
          for (const part of parts) controller.enqueue(new TextEncoder().encode(part));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);

  test('a body streamed in chunks without a length is read whole', async () => {
    const payload = 'z'.repeat(50_000);
    const json = JSON.stringify({ id: 7, payload });
    const res = await postChunked([json.slice(0, 10), json.slice(10, 30_000), json.slice(30_000)]);
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { id: 7, echo: payload, from: '127.0.0.1' });
  });

  test('a body over the limit is a 413 whether its length is declared or counted while it streams; no job', async () => {
    const jobsBefore = await s.db.pool.query('select count(*)::int as n from sync_studio.job');
    const streamed = await postChunked(['{"id":1,"payload":"', 'x'.repeat(60_000), 'y'.repeat(60_000), '"}']);
    assert.equal(streamed.status, 413);
    assert.equal(((await streamed.json()) as { error: { code: string } }).error.code, 'payload_too_large');
    const declared = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 2, payload: 'x'.repeat(MAX_BYTES) }),
    });
    assert.equal(declared.status, 413);
    const jobsAfter = await s.db.pool.query('select count(*)::int as n from sync_studio.job');
    assert.equal(jobsAfter.rows[0].n, jobsBefore.rows[0].n);
    const next = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"id":3}' });
    assert.equal(next.status, 200, 'the server answers the next request');
  });

  test('a client that hangs up in the middle of its body leaves no job, and the server goes on', async () => {
    const jobsBefore = await s.db.pool.query('select count(*)::int as n from sync_studio.job');
    const socket = connect((server.address() as AddressInfo).port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write(`POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"id":`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    socket.destroy();
    const next = await fetch(`${base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"id":4}' });
    assert.equal(next.status, 200);
    const jobsAfter = await s.db.pool.query('select count(*)::int as n from sync_studio.job');
    assert.equal(jobsAfter.rows[0].n, jobsBefore.rows[0].n + 1, 'only the next request made a job');
  });
});
