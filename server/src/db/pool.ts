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
 * Every connection plans with `enable_seqscan = off`. The hot statements are prepared once per
 * connection and PostgreSQL soon switches them to a generic plan, built from the table sizes of
 * that moment: on a fresh install, where job, log and link tables are tiny, that plan reads them
 * whole (a sequential scan beats an index on one page), and a pooled connection keeps it while the
 * table grows to millions of rows — every webhook then scanned the whole job table. Without
 * sequential scans the same plan looks rows up by key whatever the size; a table no index can
 * serve is still scanned, since there is no other way to read it. Such a plan's cost then counts the
 * penalty, which would make PostgreSQL JIT-compile it at every execution (hundreds of milliseconds):
 * `jit = off` too (no statement of the sidecar is long enough to gain from JIT).
 *
 * `synchronousCommit: false` is for job history only (final states, log lines): its commits do not
 * wait for the WAL flush, so a PostgreSQL *crash* may lose the last fraction of a second of them;
 * a clean restart loses nothing, and nothing else uses such a pool.
 */
export function createPool(connectionString: string, max = 10, options: { synchronousCommit?: boolean } = {}): Pool {
  const pool = new pg.Pool({
    connectionString,
    max,
    // Opening a connection costs milliseconds (authentication, a new backend): keep idle ones a minute.
    idleTimeoutMillis: 60_000,
    application_name: 'sync-studio',
    options: `-c enable_seqscan=off -c jit=off${options.synchronousCommit === false ? ' -c synchronous_commit=off' : ''}`,
  });
  // An idle client losing its connection (PostgreSQL restart) must not crash the process.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
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
