/**
 * DB triggers lose nothing: a sidecar stopped while 1,000 changes are written handles each once when
 * it starts again; a large backlog does not hold up its start, nor slow each claim.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import pg from 'pg';
import { createPool, withTransaction } from '../../server/src/db/index.js';
import { claimEvents } from '../../server/src/triggers/db/outbox.js';
import { dbTrigger, disable, odoo, s, useDbTriggerHarness } from '../helpers/db-triggers.js';
import { pollUntil } from '../helpers/poll.js';

useDbTriggerHarness();

/**
 * `count` events left by capture of a table no trigger watches any more (a dropped benchmark
 * table, say), one per writer transaction (txids from `firstTxid`), as capture appends them.
 */
async function leaveBacklog(count: number, firstTxid: number): Promise<void> {
  await s.db.pool.query(
    `insert into sync_studio.capture_inbox (txid, source, ids)
     select $2::bigint + g, array['sync_studio_gone', 'UPDATE', 'email'], array[g::bigint] from generate_series(1, $1::int) g`,
    [count, firstTxid],
  );
}

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
    await leaveBacklog(50_000, 9_000_000_000);
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
    await pollUntil('the backlog drained', async () => (await pending()) === 0, { timeoutMs: 120_000, intervalMs: 250 });
    assert.equal(await pending(), 0, 'and the backlog is drained after it');
  });

  test('a claim behind a backlog of 50,000 events reads only the events it claims, so a long backlog drains as fast as a short one', async () => {
    await s.triggers.kinds.db.service.stop();
    try {
      await leaveBacklog(50_000, 9_100_000_000);
      // The first claim moves the inbox into the outbox.
      await withTransaction(s.db.pool, (db) => claimEvents(db, 500));
      // The second is a claim behind the backlog, on a new connection of the sidecar's own kind (its
      // plan settings), so that its statistics are this claim's alone.
      const fresh = createPool(odoo.databaseUrl('odoo'), 1);
      const client = await fresh.connect();
      try {
        await client.query('begin');
        const claimed = await claimEvents(client, 500);
        // This transaction's reads of the outbox, before its statistics are reported.
        const { rows } = await client.query<{ read: string }>(
          `select seq_tup_read + coalesce(idx_tup_fetch, 0) as read from pg_stat_xact_user_tables where relid = 'sync_studio.db_event'::regclass`,
        );
        await client.query('commit');
        assert.equal(claimed.length, 500);
        const read = Number(rows[0]!.read);
        assert.ok(read <= 5 * claimed.length, `the claim read ${read} outbox rows for ${claimed.length} events`);
      } finally {
        client.release();
        await fresh.end();
      }
    } finally {
      await s.db.pool.query('delete from sync_studio.db_event; delete from sync_studio.capture_inbox');
      await s.triggers.kinds.db.service.start();
    }
  });
});
