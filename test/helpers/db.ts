/**
 * Test databases: every test file gets its own database on the machine's PostgreSQL
 * (TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres), migrated from
 * scratch, and dropped at the end.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createPool, migrate, type Pool } from '../../server/src/db/index.js';

export const adminUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export function urlFor(database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/** Runs one statement as the administrator (create/drop database), on its own connection. */
export async function adminQuery(sql: string, connectionString = adminUrl): Promise<void> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  name: string;
  url: string;
  pool: Pool;
  drop(): Promise<void>;
}

/** A new empty database (no migrations applied). */
export async function createEmptyDatabase(prefix = 'ss_test'): Promise<Omit<TestDatabase, 'pool'>> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  await adminQuery(`create database ${name}`);
  return {
    name,
    url: urlFor(name),
    drop: () => adminQuery(`drop database if exists ${name} with (force)`),
  };
}

/** A new database with Sync Studio's schema migrated, and a pool on it. */
export async function createTestDatabase(prefix = 'ss_test', poolSize = 5): Promise<TestDatabase> {
  const db = await createEmptyDatabase(prefix);
  const pool = createPool(db.url, poolSize);
  await migrate(pool);
  return {
    ...db,
    pool,
    drop: async () => {
      await pool.end();
      await db.drop();
    },
  };
}

/** An existing database (e.g. an Odoo double's), migrated, with a pool on it; `drop` only closes the pool. */
export async function openTestDatabase(url: string, poolSize = 5): Promise<TestDatabase> {
  const pool = createPool(url, poolSize);
  await migrate(pool);
  return { name: new URL(url).pathname.slice(1), url, pool, drop: () => pool.end() };
}
