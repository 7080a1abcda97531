/**
 * Odoo calls through `env` against the Odoo double (JSON-RPC, keep-alive): calls per second with
 * one search_read per call, sequential and with 8 in flight, and the number of calls needed to
 * read 5 fields over 1,000 records (must be 1).
 * Run: npx tsc -p tsconfig.json && node dist/bench/odoo-env.js [seconds per run, default 5]
 */
import { performance } from 'node:perf_hooks';
import { createJsonRpcClient } from '../server/src/odoo/index.js';
import { createEnv } from '../server/src/sandbox/endowments/env/index.js';
import { adminPassword, startOdooDouble } from '../test/odoo-double/index.js';

const seconds = Number(process.argv[2] ?? 5);
const double = await startOdooDouble({ databases: ['odoo'] });
const odoo = createJsonRpcClient({ url: double.url, db: 'odoo', login: 'admin', password: adminPassword });
let calls = 0;
const env = createEnv({
  context: { lang: 'en_US', tz: 'UTC' },
  execute: (model, method, args, kwargs) => {
    calls++;
    return odoo.executeKw(model, method, args, kwargs);
  },
});

try {
  const partners = env['res.partner']!;
  const records = await partners.create(
    Array.from({ length: 1000 }, (_, i) => ({ name: `bench ${i}`, city: `City ${i % 10}`, email: `b${i}@example.com` })),
  );

  const run = async (inFlight: number): Promise<{ perSecond: number; p50: number; p99: number }> => {
    const latencies: number[] = [];
    const end = performance.now() + seconds * 1000;
    const worker = async (): Promise<void> => {
      while (performance.now() < end) {
        const start = performance.now();
        await partners.search_read([['city', '=', 'City 3']], { fields: ['name', 'email'], limit: 10 });
        latencies.push(performance.now() - start);
      }
    };
    const started = performance.now();
    await Promise.all(Array.from({ length: inFlight }, worker));
    const elapsed = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const at = (q: number): number => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
    return { perSecond: latencies.length / elapsed, p50: at(0.5), p99: at(0.99) };
  };

  for (const inFlight of [1, 8]) {
    const r = await run(inFlight);
    console.log(
      `search_read through env, ${inFlight} in flight: ${r.perSecond.toFixed(0)} calls/s, p50 ${r.p50.toFixed(2)} ms, p99 ${r.p99.toFixed(2)} ms`,
    );
  }

  const before = calls;
  const started = performance.now();
  await records.read(['name', 'city', 'email', 'parent_id', 'create_date']);
  console.log(`read 5 fields over ${records.length} records: ${calls - before} call(s), ${(performance.now() - started).toFixed(1)} ms`);
} finally {
  odoo.close();
  await double.stop();
}
