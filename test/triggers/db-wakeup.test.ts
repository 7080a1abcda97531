/**
 * Wake-up in notify-on-idle mode, with the poll ten minutes away so that only a notification or the
 * listener's own looks can deliver a change: a writer transaction that captured while the listener
 * was busy (so it will not notify) and commits after the listener went idle is still dispatched.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import pg from 'pg';
import { dbTrigger, disable, jobsOf, odoo, s, useDbTriggerHarness } from '../helpers/db-triggers.js';
import { pollUntil } from '../helpers/poll.js';

useDbTriggerHarness({ SYNC_STUDIO_DB_WAKEUP: 'notify-on-idle', SYNC_STUDIO_DB_POLL_MS: '600000' });

async function connect(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: odoo.databaseUrl('odoo') });
  await client.connect();
  return client;
}

/** How many listeners ask writers to notify (what the capture function reads). */
async function listenersAsking(): Promise<number> {
  const { rows } = await s.db.pool.query(`select pg_sequence_last_value('sync_studio.db_notify')::int as n`);
  return rows[0].n ?? 0;
}

/** Waits until `condition` holds (the listener's state changes in the background). */
function until(what: string, condition: () => Promise<boolean>): Promise<true> {
  return pollUntil(what, condition, { timeoutMs: 20_000, intervalMs: 20 });
}

describe('notify-on-idle', () => {
  test('a transaction that captured while the listener was busy and commits after it went idle is dispatched without waiting for the poll', async () => {
    const id = await dbTrigger(
      { kind: 'on_create', trigger_name: 'LATE_COMMIT' },
      `async function handle_db(records) { return records.mapped('name'); }`,
    );
    await until('the listener is idle and asks to be notified', async () => (await listenersAsking()) === 1);
    const blocker = await connect();
    const first = await connect();
    const late = await connect();
    try {
      // Keep the listener busy: its claim waits on the outbox table while this lock is held.
      await blocker.query('begin');
      await blocker.query('lock table sync_studio.db_event in exclusive mode');
      await first.query(`insert into res_partner (name, write_uid, create_uid) values ('First', 2, 2)`);
      await until('the notified listener is busy', async () => (await listenersAsking()) === 0);
      // Captured while the listener is busy: this transaction will not notify.
      await late.query('begin');
      await late.query(`insert into res_partner (name, write_uid, create_uid) values ('Late', 2, 2)`);
      await blocker.query('commit');
      assert.deepEqual(
        (await jobsOf(id, 1)).map((j) => j.result),
        [['First']],
      );
      await until('the listener is idle again', async () => (await listenersAsking()) === 1);
      await late.query('commit');
      assert.deepEqual(
        (await jobsOf(id, 2, 15_000)).map((j) => j.result),
        [['First'], ['Late']],
      );
    } finally {
      await Promise.all([blocker.end(), first.end(), late.end()]);
      await disable(id);
    }
  });
});
