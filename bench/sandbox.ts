/**
 * Sandbox benchmark (prints figures; never part of `npm test`):
 * - job start latency in a warm worker: compartment + common code + task code, measured inside the
 *   worker by the job's own durationMs for a trivial handler;
 * - trivial runs per second through the pool (no database);
 * - memory of the process with the pool idle and under load.
 * Usage: npm run build && node dist/bench/sandbox.js [workers] [runs]
 */
import { cpus } from 'node:os';
import { createSandboxPool, type HostPowers, type RunRequest } from '../server/src/sandbox/index.js';

const workers = Number(process.argv[2] ?? cpus().length);
const runs = Number(process.argv[3] ?? 20_000);

const commonCode = `
const API = 'https://api.example.com';
function user2name(user) { return user.username ? '@' + user.username : user.first_name + ' ' + (user.last_name || '') }
function chunk(list, size) { const out = []; for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size)); return out }
class Paginator { constructor(size) { this.size = size } pages(n) { return Math.ceil(n / this.size) } }
const _private = { hidden: true };
${Array.from({ length: 40 }, (_, i) => `function helper_${i}(x) { return chunk([x, ${i}], 1).length + new Paginator(${i + 1}).pages(x) }`).join('\n')}
`;
const taskCode = `
function handle_cron() { log('tick'); return helper_3(7) }
async function handle_webhook(req) { return { ok: true, name: user2name(req) } }
`;

const powers: HostPowers = {
  log: () => {},
  odoo: async () => null,
  addJob: async () => {},
  links: async () => null,
  http: async () => ({ status: 200, headers: {}, data: null }),
  plugin: async () => null,
};

let jobId = 0;
const request = (version = 1): RunRequest => ({
  jobId: ++jobId,
  project: { id: 1, version, commonCode: version === 1 ? commonCode : `${commonCode}\n// v${version}` },
  task: { id: 1, code: taskCode },
  handler: 'handle_cron',
  args: [],
  context: {
    trigger_name: 'BENCH',
    user: null,
    params: { A: '1' },
    texts: {},
    webhooks: {},
    lang: 'en_US',
    tz: 'UTC',
    plugins: [],
    secrets: { keys: [], tag: '00' },
  },
  timeoutMs: 60_000,
});

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

async function main() {
  const pool = createSandboxPool({ workers, memoryMb: 128 });
  // Wait for the workers: one run per worker slot.
  await Promise.all(Array.from({ length: workers }, () => pool.run(request(), powers)));
  console.log(`workers: ${workers}, concurrency per worker: 8, node ${process.version}`);
  console.log(`memory, pool idle: rss ${mb(process.memoryUsage.rss())}`);

  // Start latency in a warm worker, one job at a time.
  const durations: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const outcome = await pool.run(request(), powers);
    if (!outcome.ok) throw new Error(outcome.error.message);
    durations.push(outcome.durationMs);
  }
  durations.sort((a, b) => a - b);
  console.log(
    `job start + trivial handler in a warm worker (compartment, common code of ${commonCode.length} chars, task code): ` +
      `p50 ${percentile(durations, 50).toFixed(3)} ms, p99 ${percentile(durations, 99).toFixed(3)} ms`,
  );

  // The same with the code cache missing every time (a new project version per job).
  const cold: number[] = [];
  for (let i = 0; i < 500; i++) {
    const outcome = await pool.run(request(1000 + i), powers);
    if (!outcome.ok) throw new Error(outcome.error.message);
    cold.push(outcome.durationMs);
  }
  cold.sort((a, b) => a - b);
  console.log(
    `the same when common code is not cached yet (parse + analysis): p50 ${percentile(cold, 50).toFixed(3)} ms, p99 ${percentile(cold, 99).toFixed(3)} ms`,
  );

  // Throughput: keep the pool full.
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 50);
  const started = performance.now();
  let next = 0;
  const inFlight = workers * 8 * 2;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next++ < runs) {
        const outcome = await pool.run(request(), powers);
        if (!outcome.ok) throw new Error(outcome.error.message);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  console.log(`trivial runs through the pool: ${runs} in ${seconds.toFixed(2)} s = ${Math.round(runs / seconds)} runs/s`);
  console.log(`memory under load: peak rss ${mb(peakRss)}`);
  await pool.close();
}

await main();
