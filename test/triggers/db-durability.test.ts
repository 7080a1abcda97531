/**
 * DB triggers lose nothing: a sidecar stopped while 1,000 changes are written handles each once when
 * it starts again; a large backlog does not hold up its start.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import pg from 'pg';
import { dbTrigger, disable, odoo, s, useDbTriggerHarness } from '../helpers/db-triggers.js';

useDbTriggerHarness();

describe('nothing lost, nothing twice', () => {
  test('sidecar stopped while 1,000 changes are written, then started: every change handled exactly once', async () => {
    const id = await dbTrigger(
      { kind: 'on_create', trigger_name: 'BACKLOG' },
      `async function handle_db(records) { return { ids: records.ids }; }`,
    );
    await s.triggers.kinds.db.service.stop();
    const client = new pg.Client({ connectionString: odoo.databaseUrl('odoo') });
    await client.connect();
    const ids: number[] = [];
    for (let i = 0; i < 1000; i++) {
      const { rows } = await client.query(`insert into res_partner (name, write_uid, create_uid) values ($1, 2, 2) returning id`, [
        `Backlog ${i}`,
      ]);
      ids.push(rows[0].id);
    }
    await client.end();
    await s.triggers.kinds.db.service.start();
    // Each change is in exactly one job's records (the runtime runs each job once: tested in test/runtime).
    const deadline = Date.now() + 90_000;
    let handled: number[] = [];
    while (handled.length < 1000 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const { rows } = await s.db.pool.query<{ id: number }>(
        `select jsonb_array_elements_text(args -> 0 -> '__recordset__' -> 'ids')::int as id from sync_studio.job where trigger_id = $1`,
        [id],
      );
      handled = rows.map((r) => r.id);
    }
    assert.equal(handled.length, 1000);
    assert.deepEqual(
      [...handled].sort((a, b) => a - b),
      ids,
    );
    await disable(id);
  });

  test('a backlog of 50,000 events does not hold up the start: it returns at once and the backlog is drained in the background', async () => {
    await s.triggers.kinds.db.service.stop();
    // Left by capture of a table no trigger watches any more (a dropped benchmark table, say), one
    // event per writer transaction, as capture appends them.
    await s.db.pool.query(
      `insert into sync_studio.capture_inbox (txid, source, ids)
       select 9000000000 + g, array['sync_studio_gone', 'UPDATE', 'email'], array[g::bigint] from generate_series(1, 50000) g`,
    );
    const pending = async () =>
      Number(
        (
          await s.db.pool.query(
            `select (select count(*) from sync_studio.capture_inbox) + (select count(*) from sync_studio.db_event) as n`,
          )
        ).rows[0].n,
      );
    await s.triggers.kinds.db.service.start();
    assert.ok((await pending()) > 25_000, 'start returned before the backlog was drained');
    const deadline = Date.now() + 120_000;
    while ((await pending()) > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 250));
    assert.equal(await pending(), 0, 'and the backlog is drained after it');
  });
});
