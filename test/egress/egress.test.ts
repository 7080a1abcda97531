/**
 * Task code's `http` under the egress policy: internal addresses refused on every hop (IP
 * literals in any spelling, names resolving to them, redirects), non-HTTP schemes refused, the
 * operator's allowlist; and the resource caps: response size, timeout capped by the job's time,
 * requests aborted when the job ends, concurrent requests per job. Every server here listens on
 * loopback only; addresses outside loopback are refused before any socket connects.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { loadConfig } from '../../server/src/config/index.js';
import { createTestStack, logsOf, type TestStack } from '../helpers/runtime.js';

interface Stub {
  server: Server;
  port: number;
  hits: string[];
  open: () => number;
  inFlight: () => number;
  close: () => Promise<void>;
}

async function stub(host: string, handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Stub> {
  const hits: string[] = [];
  let open = 0;
  let inFlight = 0;
  const server = createServer((req, res) => {
    hits.push(req.url ?? '');
    inFlight++;
    res.once('close', () => inFlight--);
    handler(req, res);
  });
  server.on('connection', (socket) => {
    open++;
    socket.on('close', () => open--);
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return {
    server,
    port: (server.address() as AddressInfo).port,
    hits,
    open: () => open,
    inFlight: () => inFlight,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const runTask = async (stack: TestStack, code: string, trigger: Record<string, unknown> = {}) => {
  const { triggerId, taskId } = await stack.project(code, { trigger });
  return { taskId, res: await stack.call('developer', 'POST', `/api/triggers/button/${triggerId}/run`, { wait: true }) };
};

/** The task returns [error name, message] for each URL it tried. */
const tryAll = (urls: string[]) => `async function handle_button() {
  const out = [];
  for (const url of ${JSON.stringify(urls)}) {
    try { const r = await http.get(url); out.push(['ok', r.status]); } catch (e) { out.push([e.name, e.message]); }
  }
  return out;
}`;

describe('egress policy (default: internal addresses refused)', () => {
  let s: TestStack;
  let internal: Stub;
  let secret: Stub;
  before(async () => {
    s = await createTestStack();
    internal = await stub('127.0.0.1', (_req, res) => res.end('internal data'));
    secret = await stub('127.0.0.2', (_req, res) => res.end('secret data'));
  });
  after(async () => {
    await internal.close();
    await secret.close();
    await s.close();
  });

  test('loopback in every spelling, names resolving to it, link-local, RFC 1918, CGNAT and ULA are refused before connecting', async () => {
    const p = internal.port;
    const urls = [
      `http://127.0.0.1:${p}/web/database/list`,
      `http://2130706433:${p}/`,
      `http://0x7f000001:${p}/`,
      `http://[::ffff:127.0.0.1]:${p}/`,
      `http://[::1]:${p}/`,
      `http://localhost:${p}/`,
      'http://169.254.169.254/latest/meta-data/',
      'http://10.0.0.1/',
      'http://172.16.0.1/',
      'http://192.168.1.1/',
      'http://100.64.0.1/',
      'http://[fd00::1]/',
      'http://[fe80::1]/',
    ];
    const { res } = await runTask(s, tryAll(urls));
    assert.equal(res.body.state, 'failed', 'refused requests log errors');
    const results = res.body.result as [string, string][];
    assert.equal(results.length, urls.length);
    for (const [index, [name, message]] of results.entries()) {
      assert.equal(name, 'EgressRefusedError', `${urls[index]}: ${message}`);
      assert.match(message, /SYNC_STUDIO_EGRESS_ALLOW/, 'the refusal names the setting');
    }
    assert.match(results[0]![1], /loopback \(127\.0\.0\.0\/8/, 'the refusal names the rule');
    assert.match(results[5]![1], /localhost \((127\.0\.0\.1|::1)\) is a loopback/, 'a host name is checked on the address it resolves to');
    assert.match(results[6]![1], /link-local/);
    assert.match(results[7]![1], /RFC 1918/);
    assert.match(results[10]![1], /carrier-grade NAT/);
    assert.match(results[11]![1], /unique local/);
    assert.deepEqual(internal.hits, [], 'no request reached the internal server');
    const lines = await logsOf(s, res.body.job_id);
    assert.ok(!lines.some((l) => l.message.includes('internal data')));
  });

  test('data: and other non-HTTP schemes are refused', async () => {
    const { res } = await runTask(s, tryAll(['data:text/plain,hello', 'file:///etc/passwd', 'ftp://example.com/']));
    assert.deepEqual(
      (res.body.result as [string, string][]).map(([name, message]) => [name, /only http and https/.test(message)]),
      [
        ['EgressRefusedError', true],
        ['EgressRefusedError', true],
        ['EgressRefusedError', true],
      ],
    );
  });

  test('url2bin and url2base64 go through the same policy', async () => {
    const { res } = await runTask(
      s,
      `async function handle_button() { try { await url2base64('http://127.0.0.1:${internal.port}/'); } catch (e) { return e.name; } }`,
    );
    assert.equal(res.body.result, 'EgressRefusedError');
    assert.deepEqual(internal.hits, []);
  });
});

describe('egress allowlist (SYNC_STUDIO_EGRESS_ALLOW)', () => {
  let s: TestStack;
  let allowed: Stub;
  let secret: Stub;
  let redirector: Stub;
  before(async () => {
    s = await createTestStack({ env: { SYNC_STUDIO_EGRESS_ALLOW: '127.0.0.1/32' } });
    allowed = await stub('127.0.0.1', (_req, res) => res.end('hello'));
    secret = await stub('127.0.0.2', (_req, res) => res.end('secret data'));
    redirector = await stub('127.0.0.1', (req, res) => {
      const target = req.url === '/to-secret' ? `http://127.0.0.2:${secret.port}/` : req.url === '/to-data' ? 'data:,x' : '/';
      res.writeHead(302, { location: target }).end();
    });
  });
  after(async () => {
    await Promise.all([allowed.close(), secret.close(), redirector.close()]);
    await s.close();
  });

  test('an allowed network is reachable', async () => {
    const { res } = await runTask(
      s,
      `async function handle_button() { return (await http.get('http://127.0.0.1:${allowed.port}/')).data; }`,
    );
    assert.equal(res.body.state, 'done');
    assert.equal(res.body.result, 'hello');
  });

  test('a redirect to a refused address is refused on that hop, before connecting', async () => {
    const { res } = await runTask(
      s,
      tryAll([`http://127.0.0.1:${redirector.port}/to-secret`, `http://127.0.0.1:${redirector.port}/to-data`]),
    );
    const [toSecret, toData] = res.body.result as [string, string][];
    assert.equal(toSecret![0], 'EgressRefusedError', toSecret![1]);
    assert.match(toSecret![1], /127\.0\.0\.2 is a loopback/);
    assert.notEqual(toData![0], 'ok', 'a redirect to a data: URL is not followed');
    assert.deepEqual(secret.hits, [], 'the redirect target was never contacted');
    assert.deepEqual(redirector.hits, ['/to-secret', '/to-data']);
  });

  test('bad allowlist entries stop the configuration with the setting named', () => {
    assert.throws(
      () => loadConfig({ SYNC_STUDIO_EGRESS_ALLOW: '10.0.0.0/8,not a host!' }),
      /SYNC_STUDIO_EGRESS_ALLOW: expected comma-separated host names/,
    );
    assert.deepEqual(loadConfig({ SYNC_STUDIO_EGRESS_ALLOW: 'api.internal, 10.0.0.0/8,fd00::/8' }).egressAllow, [
      'api.internal',
      '10.0.0.0/8',
      'fd00::/8',
    ]);
  });
});

describe('task HTTP resource caps', () => {
  let s: TestStack;
  before(async () => {
    s = await createTestStack({
      env: {
        SYNC_STUDIO_EGRESS_ALLOW: '127.0.0.1',
        SYNC_STUDIO_HTTP_MAX_BYTES: '65536',
        SYNC_STUDIO_HTTP_CONCURRENCY: '3',
        SYNC_STUDIO_JOB_TIMEOUT: '2',
      },
    });
  });
  after(() => s.close());

  test('a response larger than the cap fails while streaming and its connection is closed', async () => {
    let closed!: () => void;
    const serverSawClose = new Promise<void>((resolve) => (closed = resolve));
    const endless = await stub('127.0.0.1', (_req, res) => {
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const pump = () => {
        while (res.write(chunk));
      };
      res.on('drain', pump);
      res.on('close', closed);
      pump();
    });
    try {
      const { res } = await runTask(
        s,
        `async function handle_button() { try { await http.get('http://127.0.0.1:${endless.port}/'); } catch (e) { return [e.name, e.message]; } }`,
      );
      const [name, message] = res.body.result as [string, string];
      assert.equal(name, 'HttpLimitError');
      assert.match(message, /larger than 65536 bytes \(SYNC_STUDIO_HTTP_MAX_BYTES\)/);
      await serverSawClose;
    } finally {
      await endless.close();
    }
  });

  test('a compressed response is capped on its decompressed size', async () => {
    const { gzipSync } = await import('node:zlib');
    const bomb = gzipSync(Buffer.alloc(10 * 1024 * 1024));
    const server = await stub('127.0.0.1', (_req, res) => res.writeHead(200, { 'content-encoding': 'gzip' }).end(bomb));
    try {
      const { res } = await runTask(
        s,
        `async function handle_button() { try { await http.get('http://127.0.0.1:${server.port}/'); return 'read'; } catch (e) { return e.name; } }`,
      );
      assert.ok(bomb.length < 65536, 'the compressed body itself is under the cap');
      assert.equal(res.body.result, 'HttpLimitError');
    } finally {
      await server.close();
    }
  });

  test("a request's timeout is capped at what is left of the job's time limit; concurrent requests per job are capped", async () => {
    let peak = 0;
    const hanging = await stub('127.0.0.1', () => {
      peak = Math.max(peak, hanging.open());
    });
    try {
      const started = Date.now();
      const { res } = await runTask(
        s,
        `async function handle_button() {
           const all = [];
           for (let i = 0; i < 6; i++) all.push(http.get('http://127.0.0.1:${hanging.port}/' + i, { timeout: 3600000 }).catch((e) => e.message));
           return await Promise.all(all);
         }`,
      );
      assert.ok(Date.now() - started < 6000, 'the hour-long timeout did not hold the job');
      // Either the requests time out at the job's deadline and the task returns their messages, or the job's own limit ends it.
      assert.match(
        JSON.stringify(res.body.result ?? res.body.error),
        /timed out after \d+ ms \(what was left of the job's time limit\)|time limit/,
      );
      assert.equal(peak, 3, 'at most SYNC_STUDIO_HTTP_CONCURRENCY requests of one job are open at once');
      await waitFor(() => hanging.open() === 0, 'no connection outlives the job');
    } finally {
      await hanging.close();
    }
  });

  test('requests the task did not wait for are aborted when its job ends', async () => {
    const hanging = await stub('127.0.0.1', () => undefined);
    try {
      const { res } = await runTask(
        s,
        `function handle_button() {
           for (let i = 0; i < 3; i++) http.get('http://127.0.0.1:${hanging.port}/' + i, { timeout: 3600000 }).catch(() => undefined);
           return 'left them running';
         }`,
      );
      assert.equal(res.body.result, 'left them running');
      // Every request the server received is closed (an idle keep-alive connection may stay in the
      // agent's pool: on Node 24 a request cancelled while its socket connects leaves that socket idle).
      await waitFor(() => hanging.inFlight() === 0, 'the requests were aborted with the job');
      const lines = await logsOf(s, res.body.job_id);
      assert.ok(lines.some((l) => /aborted: the job ended/.test(l.message)));
    } finally {
      await hanging.close();
    }
  });
});

async function waitFor(condition: () => boolean, what: string, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`${what} (still not true after ${timeoutMs} ms)`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
