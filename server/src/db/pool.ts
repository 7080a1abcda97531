/**
 * Connections: one pool per process and the two ways to use it. SQL modules receive a client
 * (`Queryable`) as a parameter and never open connections themselves.
 */
import pg from 'pg';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;
/** Anything that can run a query: the pool or a client inside a transaction. */
export type Queryable = Pick<pg.Pool, 'query'>;

// bigint (int8) columns come back as JS numbers: ids and counts stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

/**
 * Every connection plans prepared statements once, generically, without sequential scans:
 *
 * - `plan_cache_mode = force_generic_plan`: the hot statements (a batch of job starts and final
 *   states, claims, journal entries) take arrays whose length the planner only sees at execution;
 *   left to choose, PostgreSQL found a custom plan for each length cheaper and planned the
 *   statement again at every execution — 44 % of the database's CPU per webhook, measured.
 * - `enable_seqscan = off`: a generic plan is built from the table sizes of that moment; on a fresh
 *   install, where the job, log and link tables are tiny, it would read them whole (a sequential
 *   scan beats an index on one page), and a pooled connection keeps that plan while the table grows
 *   to millions of rows — every webhook then scanned the whole job table. Without sequential scans
 *   the plan looks rows up by key whatever the size; a table no index can serve is still scanned,
 *   there being no other way to read it.
 * - `jit = off`: such a plan's cost counts the sequential-scan penalty, which would make PostgreSQL
 *   JIT-compile it at every execution (hundreds of milliseconds); no statement of the sidecar is
 *   long enough to gain from JIT.
 *
 * `synchronousCommit: false` is for job history only (final states, log lines): its commits do not
 * wait for the WAL flush, so a PostgreSQL *crash* may lose the last fraction of a second of them;
 * a clean restart loses nothing, and nothing else uses such a pool.
 */
export function createPool(connectionString: string, max = 10, options: { synchronousCommit?: boolean } = {}): Pool {
  const { url, ownOptions } = splitOptions(connectionString);
  const pool = new pg.Pool({
    connectionString: url,
    max,
    // Opening a connection costs milliseconds (authentication, a new backend): keep idle ones a minute.
    idleTimeoutMillis: 60_000,
    application_name: 'sync-studio',
    options: [
      ownOptions,
      '-c plan_cache_mode=force_generic_plan -c enable_seqscan=off -c jit=off',
      options.synchronousCommit === false ? '-c synchronous_commit=off' : '',
    ]
      .filter(Boolean)
      .join(' '),
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
