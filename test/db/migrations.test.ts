import assert from 'node:assert/strict';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { createPool, migrate } from '../../server/src/db/index.js';
import { listMigrationFiles } from '../../server/src/db/migrate.js';
import { claimEvents } from '../../server/src/triggers/db/outbox.js';
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
  'db_inbox',
  'capture_inbox',
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

/** A database with the migrations before `id` applied (as a sidecar of that time left it). */
async function databaseMigratedBefore(id: number): Promise<ReturnType<typeof createPool>> {
  const [pool] = await emptyDatabase();
  const before = await mkdtemp(join(tmpdir(), 'ss-migrations-'));
  cleanups.push(() => rm(before, { recursive: true, force: true }));
  for (const file of await listMigrationFiles()) if (file.id < id) await copyFile(file.file, join(before, file.name));
  await migrate(pool!, before);
  return pool!;
}

test('upgrading to the queue-only outbox keeps waiting events where they are and moves processed ones, with their processing time', async () => {
  const pool = await databaseMigratedBefore(10);
  await pool.query(`insert into sync_studio.db_event (table_name, operation, ids, processed_at) values
    ('res_partner', 'INSERT', '{1}', '2026-01-02T03:04:05Z'), ('res_partner', 'UPDATE', '{2}', null)`);
  assert.equal((await migrate(pool)).applied[0], '000010_outbox_pending_only.sql');
  const waiting = await pool.query('select operation, ids::int[] from sync_studio.db_event');
  assert.deepEqual(waiting.rows, [{ operation: 'UPDATE', ids: [2] }]);
  const processed = await pool.query('select operation, ids::int[], processed_at from sync_studio.db_event_processed');
  assert.deepEqual(processed.rows, [{ operation: 'INSERT', ids: [1], processed_at: new Date('2026-01-02T03:04:05Z') }]);
});

test('upgrading to the capture inbox keeps waiting events and sets the wake-up count from the listeners', async () => {
  const pool = await databaseMigratedBefore(11);
  await pool.query(`insert into sync_studio.db_event (table_name, operation, ids) values ('res_partner', 'UPDATE', '{2}')`);
  await pool.query(`insert into sync_studio.db_listener (instance_id, notify) values (1, true), (2, false), (3, true)`);
  assert.equal((await migrate(pool)).applied[0], '000011_capture_inbox.sql');
  const waiting = await pool.query('select operation, ids::int[], row_changes from sync_studio.db_event');
  assert.deepEqual(waiting.rows, [{ operation: 'UPDATE', ids: [2], row_changes: null }]);
  const { rows } = await pool.query(`select pg_sequence_last_value('sync_studio.db_notify')::int as listeners`);
  assert.equal(rows[0]!.listeners, 2, 'two listeners asked for a NOTIFY');
});

test('after the narrow capture inbox, events appended by functions generated before it are still claimed, and new ones are numbered in the order their transaction wrote them', async () => {
  const pool = await databaseMigratedBefore(12);
  // What a capture function generated before the upgrade appended, and keeps appending until regenerated.
  await pool.query(
    `insert into sync_studio.db_inbox (table_name, operation, ids, changed_columns) values ('res_partner', 'UPDATE', '{1}', '{email}')`,
  );
  assert.equal((await migrate(pool)).applied[0], '000012_capture_inbox_narrow.sql');
  const client = await pool.connect();
  try {
    // One writer transaction of two captured statements, as the generated functions append them.
    await client.query('begin');
    await client.query(`insert into sync_studio.capture_inbox (source, ids) values ('{res_partner,INSERT}', '{2,3}')`);
    await client.query(
      `insert into sync_studio.capture_inbox (source, ids, row_changes) values ('{res_partner,UPDATE,email,name}', '{2}', '{2}')`,
    );
    await client.query('commit');
    await client.query('begin');
    const events = await claimEvents(client, 10);
    await client.query('commit');
    assert.deepEqual(
      events.map((e) => [e.operation, e.ids, e.changed_columns, e.row_changes]),
      [
        ['UPDATE', [1], ['email'], null],
        ['INSERT', [2, 3], null, null],
        ['UPDATE', [2], ['email', 'name'], ['2']],
      ],
      'the older function’s event first, then the transaction’s two in the order written',
    );
    assert.equal(events[1]!.txid, events[2]!.txid, 'both statements of the writer transaction carry its id');
    const left = await client.query(
      `select (select count(*) from sync_studio.capture_inbox) + (select count(*) from sync_studio.db_inbox) as n`,
    );
    assert.equal(Number(left.rows[0]!.n), 0, 'both inboxes were drained');
  } finally {
    client.release();
  }
});
