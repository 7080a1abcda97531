/**
 * The sidecar's connections plan keyed statements as index lookups even when a generic plan is made
 * while the tables are tiny (a fresh install): that plan is kept by the pooled connection while the
 * job and log tables grow, so a sequential scan in it would read the whole table on every webhook.
 * Options a DATABASE_URL carries survive the pools' own settings.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { createPool, type Pool } from '../../server/src/db/index.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

let db: TestDatabase;
before(async () => {
  db = await createTestDatabase('ss_plans', 2);
  await db.pool.query(`insert into sync_studio.project (name) values ('p')`);
  await db.pool.query(`insert into sync_studio.task (project_id, name) values (1, 't')`);
  await db.pool.query(`insert into sync_studio.job (project_id, task_id, trigger_name, function) values (1, 1, 'x', 'f')`);
});
after(() => db.drop());

/** The generic plan of a final-state update by job ids, as the statement would keep it. */
async function genericPlan(client: pg.ClientBase): Promise<string> {
  await client.query('set plan_cache_mode = force_generic_plan');
  await client.query(`prepare finish(bigint[], text[]) as
    update sync_studio.job j set state = f.state from unnest($1::bigint[], $2::text[]) as f(id, state) where j.id = f.id`);
  const { rows } = await client.query<{ 'QUERY PLAN': string }>(`explain execute finish('{1}', '{done}')`);
  return rows.map((row) => row['QUERY PLAN']).join('\n');
}

test("the sidecar's pools look jobs up by key in a generic plan made on a tiny table", async () => {
  const pools: Pool[] = [createPool(db.url, 1), createPool(db.url, 1, { synchronousCommit: false })];
  try {
    for (const pool of pools) {
      const client = await pool.connect();
      try {
        const plan = await genericPlan(client);
        assert.doesNotMatch(plan, /Seq Scan on job/, plan);
        assert.match(plan, /Index Scan using job_pkey/, plan);
      } finally {
        client.release(true);
      }
    }
  } finally {
    await Promise.all(pools.map((pool) => pool.end()));
  }
});

test('a connection with default settings would scan the job table whole (what the pools avoid)', async () => {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    assert.match(await genericPlan(client), /Seq Scan on job/);
  } finally {
    await client.end();
  }
});

test("options in the connection string are kept, and the pool's own settings still apply", async () => {
  const url = new URL(db.url);
  url.searchParams.set('options', '-c statement_timeout=4321');
  const pool = createPool(url.toString(), 1);
  try {
    const { rows } = await pool.query<{ timeout: string; mode: string }>(
      `select current_setting('statement_timeout') as timeout, current_setting('plan_cache_mode') as mode`,
    );
    assert.deepEqual(rows[0], { timeout: '4321ms', mode: 'force_generic_plan' });
  } finally {
    await pool.end();
  }
});
