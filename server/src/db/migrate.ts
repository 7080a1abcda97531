/**
 * Schema migrations: numbered SQL files in `server/migrations/` (`000001_name.sql`), applied in
 * order at start. The whole run holds a transaction-level advisory lock, so two processes migrating
 * at once apply each file exactly once; each file runs in its own transaction together with its
 * bookkeeping row. Running it again is a no-op. Applied files must never be edited.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { migrationsDir } from '../shared/paths.js';
import { withPgClient, type Pool } from './pool.js';

const LOCK_KEY = 0x5359_4e43; // "SYNC"

export interface MigrationResult {
  applied: string[];
}

export async function listMigrationFiles(dir = migrationsDir): Promise<{ id: number; name: string; file: string }[]> {
  const names = (await readdir(dir)).filter((n) => /^\d{6}_[a-z0-9_]+\.sql$/.test(n)).sort();
  return names.map((name) => ({ id: Number(name.slice(0, 6)), name, file: join(dir, name) }));
}

export async function migrate(pool: Pool, dir = migrationsDir): Promise<MigrationResult> {
  const files = await listMigrationFiles(dir);
  return withPgClient(pool, async (client) => {
    await client.query('select pg_advisory_lock($1)', [LOCK_KEY]);
    try {
      await client.query('create schema if not exists sync_studio');
      await client.query(`create table if not exists sync_studio.migration (
        id integer primary key, name text not null, applied_at timestamptz not null default now())`);
      const done = new Set((await client.query<{ id: number }>('select id from sync_studio.migration')).rows.map((r) => r.id));
      const applied: string[] = [];
      for (const migration of files) {
        if (done.has(migration.id)) continue;
        const sql = await readFile(migration.file, 'utf8');
        await client.query('begin');
        try {
          await client.query('insert into sync_studio.migration (id, name) values ($1, $2)', [migration.id, migration.name]);
          await client.query(sql);
          await client.query('commit');
        } catch (error) {
          await client.query('rollback');
          throw new Error(`migration ${migration.name} failed: ${(error as Error).message}`, { cause: error });
        }
        applied.push(migration.name);
      }
      return { applied };
    } finally {
      await client.query('select pg_advisory_unlock($1)', [LOCK_KEY]);
    }
  });
}
