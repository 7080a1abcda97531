/**
 * Webhooks against the performance targets (docs/benchmarks/README.md): a trivial JSON handler at
 * ≥ 1,500 requests/s and p99 ≤ 20 ms at 200 requests/s on 2 cores. The load comes from autocannon in a second process; a bare hono
 * handler in this same process is measured in the same run, so the figures read as a ratio on
 * whatever machine this runs. Also: where one request's time goes (Run Now alone vs the whole
 * webhook path, sequential).
 *
 * Throughput is measured at several numbers of concurrent connections. A webhook request waits for
 * two database writes and a sandbox run, so it takes several milliseconds under load, and by
 * Little's law 1,500 requests/s need some 30+ requests in flight: with 8 connections the clients,
 * not the sidecar, set the pace. The best figure is the maximum; all are printed.
 *
 * Usage: npm run build && node dist/bench/webhooks.js [seconds=10] [connections=8,32,64] [warm-up seconds=15]
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { httpServerOptions } from '../server/src/triggers/index.js';
import { createTestStack } from '../test/helpers/runtime.js';

const seconds = Number(process.argv[2] ?? 10);
const connectionCounts = (process.argv[3] ?? '8,32,64').split(',').map(Number);
const warmupSeconds = Number(process.argv[4] ?? 15);
const BODY = JSON.stringify({ message: { chat: { id: 42 }, text: 'hello' } });

interface Load {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

function listen(fetch: (request: Request) => Response | Promise<Response>): Promise<ServerType> {
  return new Promise((resolve) => {
    const server = serve({ fetch, port: 0, hostname: '127.0.0.1', serverOptions: httpServerOptions() }, () => resolve(server));
  });
}

/** Latency at a steady rate: bench/paced-client.ts in a child process (one request every 1000/rate ms). */
function paced(url: string, rate: number): Promise<Load> {
  const client = fileURLToPath(new URL('./paced-client.js', import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [client, url, String(rate), String(seconds), BODY], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('error', reject);
    child.on('close', () => {
      const result = JSON.parse(out) as { p50: number; p99: number; sent: number; errors: number };
      resolve({ rps: rate, p50: Number(result.p50.toFixed(1)), p99: Number(result.p99.toFixed(1)), errors: result.errors, non2xx: 0 });
    });
  });
}

/** Throughput: autocannon in a child process with `connections` connections. */
function autocannon(url: string, connections: number, duration = seconds): Promise<Load> {
  const args = [
    '-c',
    String(connections),
    '-d',
    String(duration),
    '-m',
    'POST',
    '-H',
    'content-type=application/json',
    '-b',
    BODY,
    '--json',
  ];
  return new Promise((resolve, reject) => {
    const child = spawn('node_modules/.bin/autocannon', [...args, url], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('error', reject);
    child.on('close', () => {
      const result = JSON.parse(out);
      resolve({
        rps: result.requests.average,
        p50: result.latency.p50,
        p99: result.latency.p99,
        errors: result.errors + result.timeouts,
        non2xx: result.non2xx,
      });
    });
  });
}

const stack = await createTestStack({ env: { SYNC_STUDIO_WORKERS: '2' } });
const servers: ServerType[] = [];
try {
  const { triggerId } = await stack.project(
    `function handle_webhook(request) { return { ok: true, chat: request.json.message.chat.id }; }`,
    { kind: 'webhook' },
  );
  const { rows } = await stack.db.pool.query('select path from sync_studio.trigger_webhook where id = $1', [triggerId]);
  const path = `/sync/webhook/${rows[0].path}`;

  const bare = new Hono();
  bare.post('/hook', async (c) =>
    c.json({ ok: true, chat: ((await c.req.json()) as { message: { chat: { id: number } } }).message.chat.id }),
  );
  const bareServer = await listen(bare.fetch);
  const sidecar = await listen(stack.app.fetch);
  servers.push(bareServer, sidecar);
  const urlOf = (server: ServerType, p: string) => `http://127.0.0.1:${(server.address() as AddressInfo).port}${p}`;

  // Where one request's time goes, sequentially, after a warm-up.
  const request = {
    method: 'POST',
    url: path,
    path,
    headers: {},
    query: {},
    body: BODY,
    json: JSON.parse(BODY),
    form: {},
    files: [],
    remote_addr: null,
  };
  const time = async (n: number, run: () => Promise<unknown>) => {
    const samples: number[] = [];
    for (let i = 0; i < n; i++) {
      const start = performance.now();
      await run();
      samples.push(performance.now() - start);
    }
    samples.sort((a, b) => a - b);
    return samples[Math.floor(samples.length / 2)]!;
  };
  const post = async () =>
    (await stack.app.request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: BODY })).text();
  await time(200, post);
  const runNowMs = await time(300, () => stack.runtime.runNow({ trigger: { kind: 'webhook', id: triggerId }, args: [request] }));
  const webhookMs = await time(300, post);

  // Warm-up under load, not counted: V8 keeps optimising (and re-optimising) the hot path for some
  // 15 s of steady load, and the first seconds would otherwise weigh on whichever run comes first.
  for (const target of [urlOf(bareServer, '/hook'), urlOf(sidecar, path)])
    await autocannon(target, Math.max(...connectionCounts), warmupSeconds);
  const loads: { connections: number; bare: Load; sidecar: Load }[] = [];
  for (const connections of connectionCounts) {
    loads.push({
      connections,
      bare: await autocannon(urlOf(bareServer, '/hook'), connections),
      sidecar: await autocannon(urlOf(sidecar, path), connections),
    });
  }
  const bareRated = await paced(urlOf(bareServer, '/hook'), 200);
  const sidecarRated = await paced(urlOf(sidecar, path), 200);

  const errors = (load: Load) => load.errors + load.non2xx;
  console.log(`\nWebhook, trivial JSON handler: ${seconds} s per run (autocannon), then 200 requests/s evenly paced (paced-client)`);
  console.log('| connections | bare hono rq/s | p99 ms | sync studio rq/s | p99 ms | ratio | errors |');
  console.log('| ----------- | -------------- | ------ | ---------------- | ------ | ----- | ------ |');
  for (const { connections, bare, sidecar: load } of loads) {
    console.log(
      `| ${String(connections).padStart(11)} | ${bare.rps.toFixed(0).padStart(14)} | ${String(bare.p99).padStart(6)} | ${load.rps.toFixed(0).padStart(16)} | ${String(load.p99).padStart(6)} | ${(load.rps / bare.rps).toFixed(3)} | ${String(errors(bare) + errors(load)).padStart(6)} |`,
    );
  }
  console.log(
    `\nat 200 requests/s: bare hono p50 ${bareRated.p50} ms, p99 ${bareRated.p99} ms; sync studio p50 ${sidecarRated.p50} ms, p99 ${sidecarRated.p99} ms (errors ${errors(bareRated) + errors(sidecarRated)})`,
  );
  const sidecarMax = loads.reduce((best, load) => (load.sidecar.rps > best.rps ? load.sidecar : best), loads[0]!.sidecar);
  console.log(
    `targets: ≥ 1,500 requests/s → ${sidecarMax.rps >= 1500 ? 'met' : 'NOT met'} (max ${sidecarMax.rps.toFixed(0)}); p99 ≤ 20 ms at 200/s → ${sidecarRated.p99 <= 20 ? 'met' : 'NOT met'}`,
  );
  console.log(
    `\nsequential, median of 300: whole webhook path ${webhookMs.toFixed(2)} ms; runtime.runNow alone ${runNowMs.toFixed(2)} ms; webhook's own share (lookup, parse, journal, logs, reply) ${(webhookMs - runNowMs).toFixed(2)} ms`,
  );
} finally {
  for (const server of servers) await new Promise<void>((resolve) => server.close(() => resolve()));
  await stack.close();
}
