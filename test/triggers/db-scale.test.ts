/** DB triggers do nothing twice: two sidecars on one database; 10,000-row statements. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import pg from 'pg';
import { adminPassword } from '../odoo-double/index.js';
import { createTestStack } from '../helpers/runtime.js';
import { dbTrigger, disable, jobsOf, odoo, s, useDbTriggerHarness } from '../helpers/db-triggers.js';

useDbTriggerHarness();

describe('two sidecars, big statements', () => {
  test('two sidecars on one database: no change handled twice, both dispatch', async () => {
    const second = await createTestStack({
      databaseUrl: odoo.databaseUrl('odoo'),
      env: {
        ODOO_URL: odoo.url,
        ODOO_DB: 'odoo',
        ODOO_USER: 'admin',
        ODOO_PASSWORD: adminPassword,
        SYNC_STUDIO_DB_WAKEUP: 'always-notify',
      },
    });
    try {
      const id = await dbTrigger(
        { kind: 'on_create', trigger_name: 'TWO' },
        `async function handle_db(records) { return { ids: records.ids }; }`,
      );
      const before = [s.triggers.kinds.db.service.dispatcher.dispatched, second.triggers.kinds.db.service.dispatcher.dispatched];
      const writers = Array.from({ length: 4 }, async (_, w) => {
        const client = new pg.Client({ connectionString: odoo.databaseUrl('odoo') });
        await client.connect();
        for (let i = 0; i < 150; i++)
          await client.query(`insert into res_partner (name, write_uid, create_uid) values ($1, 2, 2)`, [`Two ${w}-${i}`]);
        await client.end();
      });
      await Promise.all(writers);
      const jobs = await jobsOf(id, 600, 60_000);
      const handled = jobs.flatMap((j) => j.result.ids as number[]);
      assert.equal(handled.length, 600);
      assert.equal(new Set(handled).size, 600);
      const first = s.triggers.kinds.db.service.dispatcher.dispatched - before[0]!;
      const other = second.triggers.kinds.db.service.dispatcher.dispatched - before[1]!;
      assert.equal(first + other, 600);
      assert.ok(first > 0 && other > 0, `dispatched ${first} and ${other}`);
      await disable(id);
    } finally {
      await second.close();
    }
  });

  test('a 10,000-row write of a watched column after one-row writes in the same session: every record whose value changed, once', async () => {
    await s.db.pool.query(
      `insert into res_partner (name, email, write_uid, create_uid) select 'Wide ' || g, 'w' || g || '@example.com', 2, 2 from generate_series(1, 10000) g`,
    );
    const id = await dbTrigger(
      { kind: 'on_write', trigger_name: 'WIDE', watched_fields: ['email'] },
      `async function handle_db(records) { return { ids: records.ids }; }`,
    );
    // One Odoo worker's connection: its first writes are of one row (the comparison's plan is made then).
    const worker = new pg.Client({ connectionString: odoo.databaseUrl('odoo') });
    await worker.connect();
    try {
      const { rows } = await worker.query<{ id: number }>(`select id from res_partner where name like 'Wide %' order by id`);
      const ids = rows.map((r) => r.id);
      for (const one of ids.slice(0, 3))
        await worker.query(`update res_partner set email = 'one-' || id || '@example.com' where id = $1`, [one]);
      await worker.query(
        `update res_partner set email = case when id % 2 = 0 then 'new-' || id || '@example.com' else email end, write_date = now()
          where name like 'Wide %'`,
      );
      const changedByBoth = ids.filter((one) => one % 2 === 0);
      const jobs = await jobsOf(id, 3 + Math.ceil(changedByBoth.length / 1000), 60_000);
      const handled = jobs.flatMap((j) => j.result.ids as number[]);
      assert.deepEqual(handled.slice(0, 3), ids.slice(0, 3), 'the one-row writes, one job each');
      assert.deepEqual(
        handled.slice(3).sort((a, b) => a - b),
        changedByBoth,
        'the big write: the records whose email changed, each once',
      );
    } finally {
      await worker.end();
      await disable(id);
    }
  });

  test('a 10,000-row statement: one change, chunked into jobs of 1,000 records, every record once', async () => {
    await s.db.pool.query(
      `insert into res_partner (name, write_uid, create_uid) select 'Bulk ' || g, 2, 2 from generate_series(1, 10000) g`,
    );
    const id = await dbTrigger(
      { kind: 'on_write', trigger_name: 'BULK', filter_domain: "[('name', '=like', 'Bulk %')]" },
      `async function handle_db(records) { return { ids: records.ids, city: records[0].city }; }`,
    );
    await s.db.pool.query(`update res_partner set city = 'Bulkville', write_uid = 2 where name like 'Bulk %'`);
    const jobs = await jobsOf(id, 10, 60_000);
    assert.equal(jobs.length, 10);
    assert.ok(jobs.every((j) => j.state === 'done' && j.result.ids.length === 1000 && j.result.city === 'Bulkville'));
    assert.equal(new Set(jobs.flatMap((j) => j.result.ids)).size, 10_000);
    await disable(id);
  });
});
