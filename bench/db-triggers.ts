/**
 * DB triggers against the performance targets (docs/benchmarks/README.md; 2 cores), over the Odoo
 * double in the machine's PostgreSQL:
 * - commit → handle_db started with its records loaded (the job's started_at): p50 ≤ 10 ms,
 *   p99 ≤ 50 ms at 50 changes/s, in each wake-up mode (changes are Odoo-shaped creates: INSERT
 *   then an UPDATE of computed fields, one transaction each); and, for comparison, at 2 changes/s;
 * - dispatch (claim → fold → match → load → jobs written): ≥ 1,000 single-row statements/s,
 *   ≥ 5,000 records/s in 100-row statements;
 * - capture cost: single-row UPDATEs on a 100k-row partner-shaped table, each changing a watched
 *   column, pgbench, with and without our pg triggers (1 and 8 writers), and Odoo-shaped write calls through the double (JSON-RPC),
 *   as ratios measured in one run; with BENCH_ODOO_DATABASE_URL set, the same pgbench rounds on a
 *   copy of that real Odoo's res_partner (part `odoo-table`), and with BENCH_ODOO_* set, write calls
 *   to a real Odoo (part `odoo`).
 *
 * Usage: npm run build && node dist/bench/db-triggers.js [seconds per measure=10] [latency|dispatch|capture|double|odoo-table|odoo ...]
 * (the parts named, or all of them).
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { migrate } from '../server/src/db/index.js';
import { createJsonRpcClient } from '../server/src/odoo/index.js';
import {
  planCapture,
  reconcileCapture,
  uninstallCapture,
  type CaptureTrigger,
  type TableCapture,
} from '../server/src/triggers/db/capture.js';
import { adminPassword, startOdooDouble } from '../test/odoo-double/index.js';
import { createTestStack, type TestStack } from '../test/helpers/runtime.js';

const seconds = Number(process.argv[2] ?? 10);
const parts = new Set(process.argv.slice(3));
const wanted = (part: string) => parts.size === 0 || parts.has(part);
const odoo = await startOdooDouble();
const url = odoo.databaseUrl('odoo');
const odooEnv = { ODOO_URL: odoo.url, ODOO_DB: 'odoo', ODOO_USER: 'admin', ODOO_PASSWORD: adminPassword };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)]!;
const rounds = (values: number[]) => values.map((v) => v.toFixed(0)).join('/');
const slower = (withCapture: number[], without: number[]) => ((1 - median(withCapture) / median(without)) * 100).toFixed(1);
/** The median of the rounds' ratios, each round with capture against the round without just before it. */
const pairedSlower = (withCapture: number[], without: number[]) =>
  ((1 - median(withCapture.map((value, round) => value / without[round]!))) * 100).toFixed(1);
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function withClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * One Odoo-shaped create: INSERT, then the UPDATE storing computed fields, in one transaction;
 * `holdMs`: the rest of an Odoo request (its Python) between those statements and the commit.
 */
async function odooCreate(client: pg.Client, name: string, holdMs = 0): Promise<number> {
  await client.query('begin');
  const { rows } = await client.query(
    `insert into res_partner (name, write_uid, create_uid, create_date, write_date) values ($1, 2, 2, now(), now()) returning id`,
    [name],
  );
  await client.query(
    `update res_partner set display_name = name, commercial_partner_id = id, write_date = now(), write_uid = 2 where id = $1`,
    [rows[0].id],
  );
  if (holdMs > 0) await sleep(holdMs);
  await client.query('commit');
  return rows[0].id as number;
}

async function stackWith(mode: string): Promise<{ stack: TestStack; triggerId: number }> {
  const stack = await createTestStack({
    databaseUrl: url,
    env: { ...odooEnv, SYNC_STUDIO_DB_WAKEUP: mode, SYNC_STUDIO_DB_POLL_MS: mode === 'poll-only' ? '5' : '1000', SYNC_STUDIO_WORKERS: '2' },
  });
  const { triggerId } = await stack.project(`function handle_db(records) { return records[0].name; }`, {
    kind: 'db',
    trigger: { model: 'res.partner', kind: 'on_create' },
  });
  await stack.triggers.kinds.db.service.reconcileCapture();
  return { stack, triggerId };
}

/** The transactions' open time after their statements, in the paced variant of the latency part (an Odoo request's Python). */
const ODOO_REQUEST_HOLD_MS = 15;

/** Odoo's usual pace: a change now and then, every cache a dispatch keeps for a second found old. */
const SPARSE_CHANGES_PER_SECOND = 2;

async function latency(mode: string, holdMs = 0, perSecond = 50): Promise<void> {
  const { stack, triggerId } = await stackWith(mode);
  try {
    const commits = new Map<number, number>();
    await withClient(async (client) => {
      for (let i = 0; i < 50; i++) await odooCreate(client, `warm ${i}`);
      await sleep(2000);
      await stack.db.pool.query(`delete from sync_studio.job where trigger_id = $1`, [triggerId]);
      const count = Math.max(60, perSecond * seconds);
      const start = performance.now();
      for (let i = 0; i < count; i++) {
        const due = start + (i * 1000) / perSecond;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
        const id = await odooCreate(client, `lat ${i}`, holdMs);
        commits.set(id, Date.now());
      }
    });
    await sleep(3000);
    // A job's created_at is the start of the dispatch transaction that wrote it (the claim).
    const { rows } = await stack.db.pool.query<{ id: number; claimed: number; started: number }>(
      `select (args -> 0 -> '__recordset__' -> 'ids' ->> 0)::int as id, extract(epoch from created_at) * 1000 as claimed,
              extract(epoch from started_at) * 1000 as started
         from sync_studio.job where trigger_id = $1 and started_at is not null`,
      [triggerId],
    );
    const handled = rows.filter((r) => commits.has(r.id));
    const sorted = (values: number[]) => values.sort((a, b) => a - b);
    const lat = sorted(handled.map((r) => Number(r.started) - commits.get(r.id)!));
    const toClaim = sorted(handled.map((r) => Number(r.claimed) - commits.get(r.id)!));
    const claimToStart = sorted(handled.map((r) => Number(r.started) - Number(r.claimed)));
    console.log(
      `commit → handle_db started (${mode}${holdMs ? `, each transaction committing ${holdMs} ms after its statements` : ''}, ${perSecond} changes/s, ${lat.length}/${commits.size} handled): p50 ${pct(lat, 50).toFixed(1)} ms, p99 ${pct(lat, 99).toFixed(1)} ms (target p50 ≤ 10, p99 ≤ 50); commit → claim p50 ${pct(toClaim, 50).toFixed(1)} ms, claim → started p50 ${pct(claimToStart, 50).toFixed(1)} ms`,
    );
  } finally {
    // Its trigger would otherwise stay enabled and every later part would dispatch for it too.
    await stack.db.pool.query(`update sync_studio.trigger_db set active = false where id = $1`, [triggerId]);
    await stack.close();
  }
}

async function dispatchRate(): Promise<void> {
  const { stack } = await stackWith('poll-only');
  try {
    await stack.triggers.kinds.db.service.stop();
    const singles = 2000;
    await withClient(async (client) => {
      for (let i = 0; i < singles; i++)
        await client.query(`insert into res_partner (name, write_uid, create_uid) values ($1, 2, 2)`, [`d ${i}`]);
    });
    let { events, elapsed } = await drainAll(stack);
    console.log(
      `dispatch, single-row statements: ${(events / elapsed).toFixed(0)} statements/s (${events} in ${elapsed.toFixed(1)} s; target ≥ 1,000)`,
    );
    const statements = 100;
    await withClient(async (client) => {
      for (let i = 0; i < statements; i++) {
        await client.query(`insert into res_partner (name, write_uid, create_uid) select 'h ' || g, 2, 2 from generate_series(1, 100) g`);
      }
    });
    ({ events, elapsed } = await drainAll(stack));
    console.log(
      `dispatch, 100-row statements: ${((events * 100) / elapsed).toFixed(0)} records/s (${events} statements in ${elapsed.toFixed(1)} s; target ≥ 5,000)`,
    );
    await backlogDrain(stack);
    await stack.db.pool.query(`delete from sync_studio.job where trigger_kind = 'db'`);
    await stack.db.pool.query(`truncate graphile_worker._private_jobs`).catch(() => undefined);
  } finally {
    await stack.close();
  }
}

/** Dispatches claim after claim until the outbox is empty: events claimed and seconds taken. */
async function drainAll(stack: TestStack): Promise<{ events: number; elapsed: number }> {
  const start = performance.now();
  let events = 0;
  for (let r = await stack.triggers.kinds.db.service.dispatcher.dispatchBatch(); r.events > 0;) {
    events += r.events;
    r = await stack.triggers.kinds.db.service.dispatcher.dispatchBatch();
  }
  return { events, elapsed: (performance.now() - start) / 1000 };
}

/**
 * A sidecar catching up: 300,000 events left by capture of a table no trigger watches any more
 * (one writer transaction each), then 1,000 partner creates; how fast the claims get through it
 * all, and when the last create is dispatched.
 */
async function backlogDrain(stack: TestStack): Promise<void> {
  const backlog = 300_000;
  const creates = 1000;
  await stack.db.pool.query(
    `insert into sync_studio.capture_inbox (txid, source, ids)
     select 9000000000 + g, array['bench_gone', 'UPDATE', 'email'], array[g::bigint] from generate_series(1, ${backlog}) g`,
  );
  await withClient(async (client) => {
    for (let i = 0; i < creates; i++)
      await client.query(`insert into res_partner (name, write_uid, create_uid) values ($1, 2, 2)`, [`b ${i}`]);
  });
  const { events, elapsed } = await drainAll(stack);
  console.log(
    `dispatch behind a backlog of ${backlog.toLocaleString('en')} events of an unwatched table: ${(events / elapsed).toFixed(0)} events/s; the last of ${creates} creates written after it dispatched after ${elapsed.toFixed(1)} s`,
  );
}

interface PgbenchRun {
  tps: number;
  /** One client only: its backend's CPU time per transaction, in µs (undefined where /proc cannot tell). */
  cpuUs: number | undefined;
}

const CLOCK_TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }));

/** A backend's CPU time so far, in seconds (user + system, from /proc), or undefined. */
function backendCpuSeconds(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/**
 * pgbench for `seconds`. With one client it also reads its backend's CPU time at two moments and
 * counts, in pgbench's transaction log, the transactions that ended between them: CPU per
 * transaction, which the machine's other load and fsync times barely move (tps on this machine
 * drifts by ±20 % between identical runs).
 */
async function pgbench(pool: pg.Pool, databaseUrl: string, clients: number, script: string): Promise<PgbenchRun> {
  const logPrefix = join(mkdtempSync(join(tmpdir(), 'dbtrig-pgbench-')), 'tx');
  const args = ['-n', '-c', String(clients), '-j', String(Math.min(clients, 2)), '-T', String(seconds), '-f', script];
  const run = promisify(execFile)('pgbench', [...args, ...(clients === 1 ? ['-l', `--log-prefix=${logPrefix}`] : []), databaseUrl]);
  let window: { pid: number; from: [number, number]; to?: [number, number] } | undefined;
  if (clients === 1 && seconds >= 3) {
    await sleep(1000);
    const { rows } = await pool.query<{ pid: number }>(
      `select pid from pg_stat_activity where application_name = 'pgbench' and datname = current_database()`,
    );
    const cpu = rows[0] && backendCpuSeconds(rows[0].pid);
    if (cpu !== undefined) window = { pid: rows[0]!.pid, from: [Date.now() / 1000, cpu] };
    await sleep(seconds * 1000 - 1700);
    const end = window && backendCpuSeconds(window.pid);
    if (window && end !== undefined) window.to = [Date.now() / 1000, end];
  }
  const { stdout } = await run;
  const tps = Number(/tps = ([\d.]+)/.exec(stdout)![1]);
  if (!window?.to) return { tps, cpuUs: undefined };
  const [from, cpuFrom] = window.from;
  const [to, cpuTo] = window.to;
  const logFile = readdirSync(dirname(logPrefix)).find((name) => name.startsWith('tx.'))!;
  // Each line: client, transaction, latency µs, script, end time (s), end time (µs).
  const ended = readFileSync(join(dirname(logPrefix), logFile), 'utf8')
    .trim()
    .split('\n')
    .map((line) => line.split(' '))
    .filter((f) => {
      const at = Number(f[4]) + Number(f[5]) / 1e6;
      return at >= from && at < to;
    }).length;
  return { tps, cpuUs: ended > 0 ? ((cpuTo - cpuFrom) * 1e6) / ended : undefined };
}

/** Rounds of pgbench per side: tps drifts by ±20 % between identical runs of a few seconds here. */
const PGBENCH_ROUNDS = 5;

/** The UPDATE of every round: each changes the watched email (a value not seen before), so each is compared and appended — the worst case, the same in every round. */
function updateScript(table: string): string {
  const script = join(mkdtempSync(join(tmpdir(), 'dbtrig-bench-')), 'update.sql');
  writeFileSync(
    script,
    `\\set id random(1, ${PARTNER_ROWS})\n\\set v random(1, 1000000000)\nupdate ${table} set email = 'x' || :v || '@example.com', write_date = now() where id = :id;\n`,
  );
  return script;
}

const PARTNER_ROWS = 100_000;

/**
 * pgbench rounds with and without capture (`plans`) on one table, 1 and 8 writers, alternated
 * (so drift of the machine's load hits both sides): median round, and the median of the rounds'
 * paired ratios.
 */
async function pgbenchRounds(what: string, pool: pg.Pool, databaseUrl: string, table: string, plans: TableCapture[]): Promise<void> {
  const script = updateScript(table);
  for (const clients of [1, 8]) {
    const withCapture: PgbenchRun[] = [];
    const without: PgbenchRun[] = [];
    for (let round = 0; round < PGBENCH_ROUNDS; round++) {
      without.push(await pgbench(pool, databaseUrl, clients, script));
      await reconcileCapture(pool, async () => plans, 1000);
      withCapture.push(await pgbench(pool, databaseUrl, clients, script));
      await uninstallCapture(pool, 1000);
    }
    const tps = (runs: PgbenchRun[]) => runs.map((r) => r.tps);
    console.log(
      `capture cost, single-row UPDATEs on ${what}, ${clients} writer(s): ${median(tps(withCapture)).toFixed(0)} vs ${median(tps(without)).toFixed(0)} tps without (rounds ${rounds(tps(withCapture))} vs ${rounds(tps(without))}) = ${slower(tps(withCapture), tps(without))} % slower; paired rounds: ${pairedSlower(tps(withCapture), tps(without))} % slower (target ≤ ${clients === 1 ? 10 : 20} %)`,
    );
    const cpu = (runs: PgbenchRun[]) => runs.flatMap((r) => (r.cpuUs === undefined ? [] : [r.cpuUs]));
    if (clients === 1 && cpu(withCapture).length === PGBENCH_ROUNDS && cpu(without).length === PGBENCH_ROUNDS) {
      const added = median(cpu(withCapture)) - median(cpu(without));
      console.log(
        `  backend CPU per single-row UPDATE transaction: ${median(cpu(withCapture)).toFixed(0)} µs with capture vs ${median(cpu(without)).toFixed(0)} µs without (rounds ${rounds(cpu(withCapture))} vs ${rounds(cpu(without))}): capture adds ${added.toFixed(0)} µs per captured statement`,
      );
    }
  }
}

/** The watched fields of the capture-cost parts: `email` and `name`, one set (the usual UPDATE form). */
const watchingEmailAndName = (model: string): CaptureTrigger => ({
  model,
  kind: 'on_create_or_write',
  watched_fields: ['email', 'name'],
  filter_pre_domain: '',
});

async function captureCost(): Promise<void> {
  const pool = new pg.Pool({ connectionString: url, max: 2, application_name: BENCH_APPLICATION });
  try {
    // Our schema in the double's database, as Odoo mode has it (the part may run alone).
    await migrate(pool);
    // The double's res_partner columns, the primary key as its only index: a bare table.
    await pool.query(`create table bench_partner (like res_partner including defaults)`);
    await pool.query(`alter table bench_partner add primary key (id)`);
    await pool.query(
      `insert into bench_partner (id, name, email, write_uid, create_uid, active, type) select g, 'p ' || g, 'p' || g || '@example.com', 2, 2, true, 'contact' from generate_series(1, ${PARTNER_ROWS}) g`,
    );
    await pool.query(`insert into ir_model (model, name) values ('bench.partner', 'Bench')`);
    await pool.query(
      `insert into ir_model_fields (name, model, ttype, store) select name, 'bench.partner', ttype, store from ir_model_fields where model = 'res.partner'`,
    );
    await pool.query('vacuum analyze bench_partner');
    const plans = await planCapture(pool, [watchingEmailAndName('bench.partner')]);
    await pgbenchRounds('a bare partner table', pool, url, 'bench_partner', plans);
    await bigWriteAfterSmallOnes(pool, plans);
    await pool.query('truncate sync_studio.db_inbox, sync_studio.db_event');
  } finally {
    await pool.query('drop table if exists bench_partner');
    await pool.end();
  }
}

/**
 * The same rounds on a real Odoo's res_partner shape, when BENCH_ODOO_DATABASE_URL is set: a
 * 100k-row copy of that table in its database, with its columns, defaults, checks and indexes
 * (`LIKE … INCLUDING ALL`; foreign keys are not copied, and an UPDATE that keeps its keys checks
 * none), each row a copy of the administrator's partner with its own id, name and email. It
 * installs Sync Studio's schema in that database, as Odoo mode does, and removes all capture and
 * the rounds' events after.
 */
async function captureCostOnOdooTable(): Promise<void> {
  const { BENCH_ODOO_DATABASE_URL } = process.env;
  if (!BENCH_ODOO_DATABASE_URL) {
    console.log("capture cost on a real Odoo's res_partner shape: skipped (set BENCH_ODOO_DATABASE_URL)");
    return;
  }
  const pool = new pg.Pool({ connectionString: BENCH_ODOO_DATABASE_URL, max: 2, application_name: BENCH_APPLICATION });
  try {
    await migrate(pool);
    await pool.query(`drop table if exists sync_studio_bench_partner`);
    await pool.query(`create table sync_studio_bench_partner (like res_partner including all)`);
    await pool.query(
      `insert into sync_studio_bench_partner
       select (jsonb_populate_record(null::sync_studio_bench_partner, pg_catalog.to_jsonb(p) || jsonb_build_object(
                 'id', g, 'name', 'p ' || g, 'display_name', 'p ' || g, 'email', 'p' || g || '@example.com',
                 'email_normalized', 'p' || g || '@example.com', 'commercial_partner_id', g))).*
         from generate_series(1, ${PARTNER_ROWS}) g,
              (select r.* from res_partner r join res_users u on u.partner_id = r.id where u.login = 'admin') p`,
    );
    await pool.query('vacuum analyze sync_studio_bench_partner');
    const { rows } = await pool.query<{ columns: number; indexes: number }>(
      `select (select count(*)::int from pg_attribute where attrelid = 'sync_studio_bench_partner'::regclass and attnum > 0 and not attisdropped) as columns,
              (select count(*)::int from pg_index where indrelid = 'sync_studio_bench_partner'::regclass) as indexes`,
    );
    const plans = (await planCapture(pool, [watchingEmailAndName('res.partner')])).map((plan) => ({
      ...plan,
      table: 'sync_studio_bench_partner',
    }));
    await pgbenchRounds(
      `a copy of a real Odoo's res_partner (${rows[0]!.columns} columns, ${rows[0]!.indexes} indexes)`,
      pool,
      BENCH_ODOO_DATABASE_URL,
      'sync_studio_bench_partner',
      plans,
    );
  } finally {
    await uninstallCapture(pool, 1000).catch(() => undefined);
    // The rounds' events (hundreds of thousands), which that Odoo's sidecar would otherwise dispatch for nothing.
    await pool.query(`delete from sync_studio.capture_inbox where source[1] = 'sync_studio_bench_partner'`);
    await pool.query(`delete from sync_studio.db_event where table_name = 'sync_studio_bench_partner'`);
    await pool.query('drop table if exists sync_studio_bench_partner');
    await pool.end();
  }
}

/**
 * A 10,000-row UPDATE in a session whose first captured UPDATEs were of one row (the comparison's
 * plan is made for the size first seen), with and without capture: it must stay linear.
 */
async function bigWriteAfterSmallOnes(pool: pg.Pool, plans: Awaited<ReturnType<typeof planCapture>>): Promise<void> {
  const timed = async (): Promise<number> =>
    withClient(async (client) => {
      for (let id = 1; id <= 3; id++) await client.query(`update bench_partner set email = 'one' || id where id = $1`, [id]);
      const start = performance.now();
      await client.query(`update bench_partner set email = 'big' || id || '-' || $1 where id <= 10000`, [Math.random()]);
      return performance.now() - start;
    });
  const without = await timed();
  await reconcileCapture(pool, async () => plans, 1000);
  const withCapture = await timed();
  await uninstallCapture(pool, 1000);
  console.log(
    `capture, a 10,000-row UPDATE after one-row UPDATEs in the same session: ${withCapture.toFixed(0)} ms vs ${without.toFixed(0)} ms without`,
  );
}

/**
 * Write calls through JSON-RPC with and without capture on res_partner, alternated over
 * `WRITE_CALL_ROUNDS` short rounds (a call's time drifts by ±10 % between rounds of a few seconds
 * here, more than capture costs it), as calls/s per side (median round) and the median of the
 * rounds' paired ratios (each round with capture against the round without just before it).
 */
const WRITE_CALL_ROUNDS = 9;

/** The bench's own connections, left out of the backends whose CPU time is read. */
const BENCH_APPLICATION = 'sync-studio-bench';

/** CPU seconds so far of each client backend of the pool's database, but the bench's own (where /proc tells). */
async function databaseBackendsCpu(pool: pg.Pool): Promise<Map<number, number>> {
  const { rows } = await pool.query<{ pid: number }>(
    `select pid from pg_stat_activity where datname = current_database() and backend_type = 'client backend' and application_name <> $1`,
    [BENCH_APPLICATION],
  );
  return new Map(rows.flatMap(({ pid }) => [backendCpuSeconds(pid)].flatMap((cpu) => (cpu === undefined ? [] : [[pid, cpu] as const]))));
}

interface WriteRound {
  callsPerSecond: number;
  /** CPU time of the database's backends per call, µs (undefined when a backend ended during the round). */
  backendCpuUs: number | undefined;
}

async function writeCallCost(what: string, rpc: ReturnType<typeof createJsonRpcClient>, pool: pg.Pool, target: string): Promise<void> {
  const ids = await rpc.executeKw<number[]>('res.partner', 'create', [Array.from({ length: 50 }, (_, i) => ({ name: `w ${i}` }))]);
  let n = 0;
  const writes = async (): Promise<WriteRound> => {
    const cpuBefore = await databaseBackendsCpu(pool);
    const start = performance.now();
    let calls = 0;
    while (performance.now() - start < (seconds * 1000) / WRITE_CALL_ROUNDS) {
      await rpc.executeKw('res.partner', 'write', [[ids[n % ids.length]!], { email: `w${n}@example.com`, city: `C${n}` }]);
      n++;
      calls++;
    }
    const elapsed = (performance.now() - start) / 1000;
    const cpuAfter = await databaseBackendsCpu(pool);
    // A backend that started during the round counts whole; one that ended cannot be counted.
    const ended = [...cpuBefore.keys()].some((pid) => !cpuAfter.has(pid));
    const used = [...cpuAfter].reduce((sum, [pid, cpu]) => sum + cpu - (cpuBefore.get(pid) ?? 0), 0);
    return { callsPerSecond: calls / elapsed, backendCpuUs: ended ? undefined : (used * 1e6) / calls };
  };
  const plans = await planCapture(pool, [
    { model: 'res.partner', kind: 'on_create_or_write', watched_fields: ['email'], filter_pre_domain: '' },
  ]);
  const withCapture: WriteRound[] = [];
  const without: WriteRound[] = [];
  try {
    await writes();
    for (let round = 0; round < WRITE_CALL_ROUNDS; round++) {
      await uninstallCapture(pool, 1000);
      without.push(await writes());
      await reconcileCapture(pool, async () => plans, 1000);
      withCapture.push(await writes());
    }
  } finally {
    await uninstallCapture(pool, 1000);
    await rpc.executeKw('res.partner', 'unlink', [ids]).catch(() => undefined);
  }
  const calls = (side: WriteRound[]) => side.map((r) => r.callsPerSecond);
  console.log(
    `capture cost, ${what}: ${median(calls(withCapture)).toFixed(1)} vs ${median(calls(without)).toFixed(1)} calls/s without (rounds ${rounds(calls(withCapture))} vs ${rounds(calls(without))}) = ${slower(calls(withCapture), calls(without))} % slower; paired rounds: ${pairedSlower(calls(withCapture), calls(without))} % slower (target ≤ ${target})`,
  );
  // Backend CPU per call moves less with the machine's load than calls/s: what capture adds to it,
  // as a share of a call's time.
  const cpu = (side: WriteRound[]) => side.flatMap((r) => (r.backendCpuUs === undefined ? [] : [r.backendCpuUs]));
  if (cpu(withCapture).length > WRITE_CALL_ROUNDS / 2 && cpu(without).length > WRITE_CALL_ROUNDS / 2) {
    const added = median(cpu(withCapture)) - median(cpu(without));
    const callUs = 1e6 / median(calls(without));
    console.log(
      `  database backend CPU per write call: ${median(cpu(withCapture)).toFixed(0)} µs with capture vs ${median(cpu(without)).toFixed(0)} µs without (rounds ${rounds(cpu(withCapture))} vs ${rounds(cpu(without))}): capture adds ${added.toFixed(0)} µs, ${((added / callUs) * 100).toFixed(1)} % of a ${(callUs / 1000).toFixed(1)} ms call`,
    );
  }
}

async function captureCostThroughDouble(): Promise<void> {
  const rpc = createJsonRpcClient({ url: odoo.url, db: 'odoo', login: 'admin', password: adminPassword });
  const pool = new pg.Pool({ connectionString: url, max: 2, application_name: BENCH_APPLICATION });
  try {
    // Our schema in the double's database, as Odoo mode has it (the part may run alone).
    await migrate(pool);
    await writeCallCost('Odoo-shaped write calls through the double', rpc, pool, '3 % of a real Odoo write');
  } finally {
    rpc.close();
    await pool.end();
  }
}

/**
 * The same against a real Odoo, when BENCH_ODOO_URL, BENCH_ODOO_DB and BENCH_ODOO_DATABASE_URL
 * (its PostgreSQL database) are set (BENCH_ODOO_LOGIN / BENCH_ODOO_PASSWORD, default admin/admin).
 * It installs Sync Studio's schema in that database, as Odoo mode does, and removes its capture after.
 */
async function captureCostOnRealOdoo(): Promise<void> {
  const { BENCH_ODOO_URL, BENCH_ODOO_DB, BENCH_ODOO_DATABASE_URL } = process.env;
  if (!BENCH_ODOO_URL || !BENCH_ODOO_DB || !BENCH_ODOO_DATABASE_URL) {
    console.log('capture cost on a real Odoo: skipped (set BENCH_ODOO_URL, BENCH_ODOO_DB and BENCH_ODOO_DATABASE_URL)');
    return;
  }
  const rpc = createJsonRpcClient({
    url: BENCH_ODOO_URL,
    db: BENCH_ODOO_DB,
    login: process.env.BENCH_ODOO_LOGIN ?? 'admin',
    password: process.env.BENCH_ODOO_PASSWORD ?? 'admin',
  });
  const pool = new pg.Pool({ connectionString: BENCH_ODOO_DATABASE_URL, max: 2, application_name: BENCH_APPLICATION });
  try {
    await migrate(pool);
    await writeCallCost(`write calls to a real Odoo (${BENCH_ODOO_URL}, ${BENCH_ODOO_DB})`, rpc, pool, '3 %');
  } finally {
    rpc.close();
    await pool.end();
  }
}

try {
  console.log(`uptime: ${execFileSync('uptime', { encoding: 'utf8' }).trim()}`);
  if (wanted('latency')) {
    for (const mode of ['notify-on-idle', 'always-notify', 'poll-only']) await latency(mode);
    // As an Odoo request: its writes, then tens of milliseconds of Python before the commit.
    await latency('notify-on-idle', ODOO_REQUEST_HOLD_MS);
    await latency('notify-on-idle', 0, SPARSE_CHANGES_PER_SECOND);
  }
  if (wanted('dispatch')) await dispatchRate();
  if (wanted('capture')) await captureCost();
  if (wanted('odoo-table')) await captureCostOnOdooTable();
  if (wanted('double')) await captureCostThroughDouble();
  if (wanted('odoo')) await captureCostOnRealOdoo();
  console.log(`uptime: ${execFileSync('uptime', { encoding: 'utf8' }).trim()}`);
} finally {
  await odoo.stop();
}
