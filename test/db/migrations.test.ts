import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { createPool, migrate } from '../../server/src/db/index.js';
import { createEmptyDatabase } from '../helpers/db.js';

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function emptyDatabase() {
  const db = await createEmptyDatabase('ss_migr');
  const pools = [createPool(db.url, 2), createPool(db.url, 2)];
  cleanups.push(async () => {
    for (const pool of pools) await pool.end();
    await db.drop();
  });
  return pools;
}

const expectedTables = [
  'job',
  'link',
  'log',
  'migration',
  'project',
  'project_param',
  'project_secret',
  'project_text',
  'setting',
  'task',
  'trigger_button',
  'trigger_cron',
  'trigger_db',
  'trigger_webhook',
  'webhook_request',
  'db_event',
  'db_event_processed',
  'db_listener',
].sort();

test('migrations create every table of the store on an empty database, and a second run applies nothing', async () => {
  const [pool] = await emptyDatabase();
  const first = await migrate(pool!);
  assert.ok(first.applied.length >= 1, 'the first run applies the migrations');
  const { rows } = await pool!.query<{ table_name: string }>(
    `select table_name from information_schema.tables where table_schema = 'sync_studio' order by table_name`,
  );
  assert.deepEqual(rows.map((r) => r.table_name).sort(), expectedTables);
  const second = await migrate(pool!);
  assert.deepEqual(second.applied, []);
});

test('two migrators starting at once apply each migration exactly once', async () => {
  const [a, b] = await emptyDatabase();
  const [ra, rb] = await Promise.all([migrate(a!), migrate(b!)]);
  const total = ra.applied.length + rb.applied.length;
  const { rows } = await a!.query<{ n: number }>('select count(*)::int as n from sync_studio.migration');
  assert.equal(total, rows[0]!.n, 'every migration was applied by exactly one of the two');
  assert.ok(ra.applied.length === 0 || rb.applied.length === 0, 'one migrator did all the work while the other waited');
});
