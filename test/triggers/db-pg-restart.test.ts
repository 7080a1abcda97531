/**
 * PostgreSQL restarted mid-stream under DB triggers, on a throwaway embedded PostgreSQL (never the
 * machine's shared server): changes committed before, while the listener is reconnecting, and
 * after are each dispatched exactly once.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import pg from 'pg';
import { prepareDataDir } from '../../server/src/config/standalone.js';
import { startEmbeddedPostgres } from '../../server/src/db/index.js';
import { adminPassword, startOdooDouble } from '../odoo-double/index.js';
import { createTestStack } from '../helpers/runtime.js';

const dir = await mkdtemp(join(tmpdir(), 'sync-studio-dbtrig-restart-'));
after(() => rm(dir, { recursive: true, force: true }));

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test('PostgreSQL restarted mid-stream: nothing lost, nothing twice', async () => {
  await prepareDataDir(dir);
  const port = await freePort();
  let database = await startEmbeddedPostgres(dir, { port });
  const adminUrl = new URL(database.connectionString);
  adminUrl.pathname = '/postgres';
  const odoo = await startOdooDouble({ adminUrl: adminUrl.toString() });
  const url = odoo.databaseUrl('odoo');
  const s = await createTestStack({
    databaseUrl: url,
    env: { ODOO_URL: odoo.url, ODOO_DB: 'odoo', ODOO_USER: 'admin', ODOO_PASSWORD: adminPassword, SYNC_STUDIO_DB_POLL_MS: '200' },
  });
  const write = async (names: string[]) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      for (const name of names) await client.query(`insert into res_partner (name, write_uid, create_uid) values ($1, 2, 2)`, [name]);
    } finally {
      await client.end();
    }
  };
  try {
    const { triggerId } = await s.project(`async function handle_db(records) { return records.ids; }`, {
      kind: 'db',
      trigger: { model: 'res.partner', kind: 'on_create' },
    });
    await until(async () => (await s.triggers.kinds.db.service.reconcileCapture()).unchanged.includes('res_partner'), 'capture');
    await write(Array.from({ length: 50 }, (_, i) => `before ${i}`));
    await database.stop();
    database = await startEmbeddedPostgres(dir, { port });
    // Written while the listener may still be reconnecting: found by the drain after the reconnect or the poll.
    await write(Array.from({ length: 50 }, (_, i) => `after ${i}`));
    const dispatched = async () =>
      (
        await s.db.pool.query<{ id: number }>(
          `select jsonb_array_elements_text(args -> 0 -> '__recordset__' -> 'ids')::int as id from sync_studio.job where trigger_id = $1`,
          [triggerId],
        )
      ).rows.map((r) => r.id);
    const { rows: partners } = await s.db.pool.query<{ id: number }>(
      `select id from res_partner where name ~ '^(before|after) ' order by id`,
    );
    assert.equal(partners.length, 100);
    await until(async () => (await dispatched()).length >= 100, 'every change dispatched');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const ids = await dispatched();
    assert.equal(ids.length, 100, 'nothing twice');
    assert.deepEqual(
      [...ids].sort((a, b) => a - b),
      partners.map((p) => p.id),
    );
  } finally {
    await s.close().catch(() => undefined);
    await odoo.stop().catch(() => undefined);
    await database.stop();
  }
});
