/**
 * Connections: the pools and the two ways to use them. SQL modules receive a client
 * (`Queryable`) as a parameter and never open connections themselves.
 *
 * Two kinds of pool, by whose tables they read:
 * - `createPool`: the sidecar's own tables (jobs, logs, the queue, links, projects). Its
 *   connections carry the plan settings below, tuned for the sidecar's hot, keyed statements.
 * - `createOdooReadPool`: Odoo's own tables (`res_partner`, `ir_model_fields`, ...), which the DB
 *   triggers read (the record loader, the apply-on domain, the users' languages, the on_time scans).
 *   Those reads are ad hoc queries over tables of any size and shape, which PostgreSQL's default
 *   planner serves best (a filtered scan may need a sequential scan, a custom plan per domain), so
 *   its connections keep the server's defaults; they are read-only. The DB triggers' writes (outbox
 *   claims, jobs, last_run) stay on the sidecar's pool, and so do the rare, keyed catalog lookups
 *   of saving a DB trigger and of installing its pg triggers.
 */
import pg from 'pg';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;
/** Anything that can run a query: the pool or a client inside a transaction. */
export type Queryable = Pick<pg.Pool, 'query'>;

// bigint (int8) columns come back as JS numbers: ids and counts stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

/**
 * The plan settings of the sidecar's own connections: prepared statements planned once,
 * generically, without sequential scans (why, with the figures: docs/benchmarks/database.md).
 *
 * - `plan_cache_mode = force_generic_plan`: the hot statements (a batch of job starts and final
 *   states, claims, journal entries) take arrays whose length the planner only sees at execution;
 *   left to choose, PostgreSQL found a custom plan for each length cheaper and planned the
 *   statement again at every execution, a large share of the database's CPU per webhook.
 * - `enable_seqscan = off`: a generic plan is built from the table sizes of that moment; on a fresh
 *   install, where the job, log and link tables are tiny, it would read them whole (a sequential
 *   scan beats an index on one page), and a pooled connection keeps that plan while the table grows
 *   to millions of rows — every webhook then scanned the whole job table. Without sequential scans
 *   the plan looks rows up by key whatever the size; a table no index can serve is still scanned,
 *   there being no other way to read it.
 * - `jit = off`: such a plan's cost counts the sequential-scan penalty, which would make PostgreSQL
 *   JIT-compile it at every execution (far longer than the statement); no statement of the sidecar
 *   is long enough to gain from JIT.
 */
const SIDECAR_PLAN_SETTINGS = '-c plan_cache_mode=force_generic_plan -c enable_seqscan=off -c jit=off';

/**
 * A pool for the sidecar's own tables, with its plan settings (above).
 *
 * `synchronousCommit: false` is for job history only (final states, log lines): its commits do not
 * wait for the WAL flush, so a PostgreSQL *crash* may lose the last fraction of a second of them;
 * a clean restart loses nothing, and nothing else uses such a pool.
 */
export function createPool(connectionString: string, max = 10, options: { synchronousCommit?: boolean } = {}): Pool {
  return openPool(connectionString, max, [SIDECAR_PLAN_SETTINGS, options.synchronousCommit === false ? '-c synchronous_commit=off' : '']);
}

/** A small read-only pool for Odoo's own tables, with PostgreSQL's default planner settings (see above). */
export function createOdooReadPool(connectionString: string, max = 4): Pool {
  return openPool(connectionString, max, ['-c default_transaction_read_only=on']);
}

function openPool(connectionString: string, max: number, settings: string[]): Pool {
  const { url, ownOptions } = splitOptions(connectionString);
  const pool = new pg.Pool({
    connectionString: url,
    max,
    // Opening a connection costs milliseconds (authentication, a new backend): keep idle ones a minute.
    idleTimeoutMillis: 60_000,
    application_name: 'sync-studio',
    options: [ownOptions, ...settings].filter(Boolean).join(' '),
  });
  // An idle client losing its connection (PostgreSQL restart) must not crash the process.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

/**
 * The connection string without its own `?options=-c …`, and those options: pg would let them
 * replace the pool's settings, so they are passed first, with the pool's after them.
 */
function splitOptions(connectionString: string): { url: string; ownOptions: string } {
  let url: URL;
  try {
    url = new URL(connectionString);
  } catch {
    return { url: connectionString, ownOptions: '' };
  }
  const ownOptions = url.searchParams.get('options');
  if (ownOptions === null) return { url: connectionString, ownOptions: '' };
  url.searchParams.delete('options');
  return { url: url.toString(), ownOptions };
}

export async function withPgClient<T>(pool: Pool, callback: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    return await callback(client);
  } finally {
    client.release();
  }
}

export async function withTransaction<T>(pool: Pool, callback: (client: PoolClient) => Promise<T>): Promise<T> {
  return withPgClient(pool, async (client) => {
    await client.query('begin');
    try {
      const result = await callback(client);
      await client.query('commit');
      return result;
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    }
  });
}

/** Opens `count` connections now, so the first burst of work does not wait for new backends. */
export async function warmPool(pool: Pool, count: number): Promise<void> {
  const clients = await Promise.all(Array.from({ length: count }, () => pool.connect()));
  for (const client of clients) client.release();
}
