/**
 * DB triggers end to end over the Odoo double (real tables, ORM-shaped SQL): partners are written
 * through JSON-RPC (or, where the statement shape matters, with SQL) and handle_db's jobs are
 * checked: which records, loaded how, as which user, how many jobs; capture's life cycle; Odoo
 * never broken; records read as Odoo's read returns them; timed conditions.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import pg from 'pg';
import { createJsonRpcClient } from '../../server/src/odoo/index.js';
import { ProjectStore } from '../../server/src/projects/index.js';
import { SecretCipher } from '../../server/src/secrets/index.js';
import { createLogger } from '../../server/src/shared/logger.js';
import { dbTriggerKind, DbTriggersUnavailableError } from '../../server/src/triggers/index.js';
import { OnTimeScanner } from '../../server/src/triggers/db/on-time.js';
import { RecordLoader } from '../../server/src/triggers/db/records.js';
import { planCapture, plansOfEnabledTriggers, reconcileCapture, type CapturePlanner } from '../../server/src/triggers/db/capture.js';
import { TEST_SECRET } from '../helpers/app.js';
import { runCli } from '../helpers/cli.js';
import { openTestDatabase } from '../helpers/db.js';
import { adminPassword } from '../odoo-double/index.js';
import { createTestStack } from '../helpers/runtime.js';
import {
  captureInstalled,
  dbTrigger,
  disable,
  HANDLER,
  inTransaction,
  jobsOf,
  odoo,
  pgTriggers,
  rpc,
  s,
  useDbTriggerHarness,
} from '../helpers/db-triggers.js';
import { defineRecordsContract } from './records-contract.js';
import { pollUntil } from '../helpers/poll.js';

useDbTriggerHarness();

describe('kinds and folding', () => {
  test("on_create: Odoo's INSERT + computed-field UPDATEs are one create; a 3-partner create is one job with the 3 records, loaded, as the writing user", async () => {
    const id = await dbTrigger({ kind: 'on_create' });
    const one = await rpc.executeKw<number>('res.partner', 'create', [{ name: 'Ada', email: 'ada@example.com' }]);
    const three = await rpc.executeKw<number[]>('res.partner', 'create', [[{ name: 'B1' }, { name: 'B2' }, { name: 'B3' }]]);
    await rpc.executeKw('res.partner', 'write', [[one], { city: 'Oslo' }]);
    const jobs = await jobsOf(id, 2);
    assert.equal(jobs.length, 2, 'one job per transaction; the later write fires no create');
    assert.equal(jobs[0]!.state, 'done', JSON.stringify(jobs[0]!.result));
    assert.deepEqual(jobs[0]!.result.ids, [one]);
    assert.deepEqual(jobs[0]!.result.names, ['Ada']);
    assert.deepEqual(jobs[0]!.result.emails, ['ada@example.com']);
    assert.deepEqual(jobs[0]!.result.first.write_uid, [2, 'Administrator']);
    assert.match(jobs[0]!.result.first.create_date, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    assert.equal(jobs[0]!.result.user, 2);
    assert.deepEqual(jobs[1]!.result.ids, three);
    assert.deepEqual(jobs[1]!.result.names, ['B1', 'B2', 'B3']);
    await disable(id);
  });

  test('a record created and deleted in one transaction fires no create', async () => {
    const id = await dbTrigger({ kind: 'on_create', trigger_name: 'GHOST' });
    await inTransaction(async (c) => {
      const { rows } = await c.query(`insert into res_partner (name, write_uid, create_uid) values ('Ghost', 2, 2) returning id`);
      await c.query('update res_partner set display_name = name where id = $1', [rows[0].id]);
      await c.query('delete from res_partner where id = $1', [rows[0].id]);
    });
    const marker = await rpc.executeKw<number>('res.partner', 'create', [{ name: 'After ghost' }]);
    const jobs = await jobsOf(id, 1);
    assert.deepEqual(
      jobs.map((j) => j.result.ids),
      [[marker]],
    );
    await disable(id);
  });

  test('on_write with watched fields fires only when one of them changed value; on_create_or_write fires for both', async () => {
    const partner = await rpc.executeKw<number>('res.partner', 'create', [{ name: 'Wendy', email: 'w@example.com' }]);
    const watched = await dbTrigger({ kind: 'on_write', trigger_name: 'WATCH', watched_fields: ['email'] });
    const any = await dbTrigger({ kind: 'on_create_or_write', trigger_name: 'ANY' });
    await rpc.executeKw('res.partner', 'write', [[partner], { city: 'Turku' }]);
    await rpc.executeKw('res.partner', 'write', [[partner], { email: 'w@example.com' }]);
    await rpc.executeKw('res.partner', 'write', [[partner], { email: 'wendy@example.com' }]);
    const created = await rpc.executeKw<number>('res.partner', 'create', [{ name: 'Carl' }]);
    const watchedJobs = await jobsOf(watched, 1);
    assert.equal(watchedJobs.length, 1, 'only the write that changed the email');
    assert.deepEqual(watchedJobs[0]!.result.emails, ['wendy@example.com']);
    const anyJobs = await jobsOf(any, 4);
    assert.deepEqual(
      anyJobs.map((j) => j.result.ids),
      [[partner], [partner], [partner], [created]],
    );
    await disable(watched);
    await disable(any);
  });

  test('watched fields are compared per record, as Odoo does: a write of several records fires for those whose watched field changed; triggers watching different fields each get theirs', async () => {
    const [ann, bob, cid] = await rpc.executeKw<number[]>('res.partner', 'create', [
      [
        { name: 'Ann', email: 'ann@example.com' },
        { name: 'Bob', email: 'team@example.com' },
        { name: 'Cid', email: 'team@example.com' },
      ],
    ]);
    const email = await dbTrigger({ kind: 'on_write', trigger_name: 'EMAIL_ROWS', watched_fields: ['email'] });
    // One UPDATE for the three: only Ann's email changes value.
    await rpc.executeKw('res.partner', 'write', [[ann!, bob!, cid!], { email: 'team@example.com' }]);
    assert.deepEqual(
      (await jobsOf(email, 1)).map((j) => j.result.ids),
      [[ann]],
    );
    const name = await dbTrigger({ kind: 'on_write', trigger_name: 'NAME_ROWS', watched_fields: ['name'] });
    const every = await dbTrigger({ kind: 'on_write', trigger_name: 'EVERY_ROW' });
    // One statement: Ann's email and Bob's name change, Cid is written unchanged.
    await s.db.pool.query(
      `update res_partner set email = case when id = $1 then 'ann@new.example.com' else email end,
                              name = case when id = $2 then 'Robert' else name end, write_date = now()
        where id = any($3::int[])`,
      [ann, bob, [ann, bob, cid]],
    );
    assert.deepEqual(
      (await jobsOf(email, 2)).map((j) => j.result.ids),
      [[ann], [ann]],
    );
    assert.deepEqual(
      (await jobsOf(name, 1)).map((j) => j.result.ids),
      [[bob]],
    );
    assert.deepEqual(
      (await jobsOf(every, 1)).map((j) => j.result.ids),
      [[ann, bob, cid]],
      'a trigger without watched fields fires for every written record',
    );
    for (const trigger of [email, name, every]) await disable(trigger);
  });

  test('before-update domain on the old values, apply-on domain on the new ones (SQL and, for other domains, Odoo)', async () => {
    const [paris, rome] = await rpc.executeKw<number[]>('res.partner', 'create', [
      [
        { name: 'P', city: 'Paris' },
        { name: 'R', city: 'Rome' },
      ],
    ]);
    const left = await dbTrigger({
      kind: 'on_write',
      trigger_name: 'LEFT_PARIS',
      filter_pre_domain: "[('city', '=', 'Paris')]",
      filter_domain: "[('city', '!=', 'Paris')]",
    });
    const viaOdoo = await dbTrigger({
      kind: 'on_write',
      trigger_name: 'VIA_ODOO',
      filter_domain: "[('user_ids', '=', False), ('city', '=', 'Berlin')]",
    });
    await rpc.executeKw('res.partner', 'write', [[paris!, rome!], { city: 'Berlin' }]);
    // The apply-on domain is checked on the records as they are when the change is dispatched.
    const odooJobs = await jobsOf(viaOdoo, 1);
    await rpc.executeKw('res.partner', 'write', [[rome!], { city: 'Paris' }]);
    const leftJobs = await jobsOf(left, 1);
    assert.deepEqual(
      leftJobs.map((j) => j.result.ids),
      [[paris]],
      'only the record that was in Paris before and is not after',
    );
    assert.deepEqual(
      odooJobs.map((j) => j.result.ids),
      [[paris, rome]],
    );
    await disable(left);
    await disable(viaOdoo);
  });

  test('on_unlink hands the deleted records with their values (many2one as [id, name]); the apply-on domain is checked on them', async () => {
    const [keep, gone] = await rpc.executeKw<number[]>('res.partner', 'create', [
      [
        { name: 'Keep', email: 'k@example.com' },
        { name: 'Gone', email: 'g@example.com' },
      ],
    ]);
    const id = await dbTrigger({ kind: 'on_unlink', trigger_name: 'BYE', filter_domain: "[('name', '=', 'Gone')]" });
    await rpc.executeKw('res.partner', 'unlink', [[keep!, gone!]]);
    const jobs = await jobsOf(id, 1);
    assert.deepEqual(jobs[0]!.result.ids, [gone]);
    assert.deepEqual(jobs[0]!.result.emails, ['g@example.com']);
    assert.deepEqual(jobs[0]!.result.first.write_uid, [2, 'Administrator'], 'many2one values as read gives them');
    await disable(id);
  });

  test('Run Now of a DB trigger hands handle_db the records given, as a change of them would; ids are required, records that do not exist are named', async () => {
    const [ada, bob] = await rpc.executeKw<number[]>('res.partner', 'create', [
      [{ name: 'Ada', email: 'ada@example.com' }, { name: 'Bob' }],
    ]);
    // Neither record matches the apply-on domain: a run on chosen records does not check it.
    const id = await dbTrigger({
      kind: 'on_write',
      trigger_name: 'TRY_ME',
      watched_fields: ['email'],
      filter_domain: "[('name', '=', 'Nobody')]",
    });
    const run = (role: 'user' | 'developer', body: unknown) => s.call(role, 'POST', `/api/triggers/db/${id}/run`, body);
    const ran = await run('developer', { ids: [bob, ada, bob], wait: true });
    assert.equal(ran.status, 201, JSON.stringify(ran.body));
    assert.equal(ran.body.state, 'done');
    assert.deepEqual(ran.body.result.ids, [bob, ada], 'in the order given, each once');
    assert.deepEqual(ran.body.result.emails, [false, 'ada@example.com']);
    assert.deepEqual(ran.body.result.first.write_uid, [2, 'Administrator'], 'many2one values as read gives them');
    const withoutIds = await run('developer', {});
    assert.equal(withoutIds.status, 400);
    assert.equal(withoutIds.body.error.field, 'ids');
    assert.match(withoutIds.body.error.message, /a DB trigger runs on records: give the ids/);
    const missing = await run('developer', { ids: [ada, 999_999] });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.error.field, 'ids');
    assert.match(missing.body.error.message, /res\.partner has no record 999999/);
    assert.equal((await run('developer', { ids: [] })).status, 400);
    const huge = await run('developer', { ids: [3_000_000_000] });
    assert.equal(huge.status, 400, JSON.stringify(huge.body));
    assert.match(huge.body.error.message, /res\.partner has no record 3000000000/);
    assert.equal((await run('user', { ids: [ada] })).status, 403);
    const { triggerId: button } = await s.project(HANDLER, { kind: 'button' });
    const buttonWithIds = await s.call('developer', 'POST', `/api/triggers/button/${button}/run`, { ids: [ada] });
    assert.equal(buttonWithIds.status, 400);
    assert.match(buttonWithIds.body.error.message, /only a DB trigger runs on records/);

    // The same from a terminal: `sync-studio run <project> <trigger> --ids …` prints the job's log.
    const { rows } = await s.db.pool.query<{ project_id: number }>(
      'select t.project_id from sync_studio.trigger_db d join sync_studio.task t on t.id = d.task_id where d.id = $1',
      [id],
    );
    const env = {
      DATABASE_URL: odoo.databaseUrl('odoo'),
      SYNC_STUDIO_SECRET: TEST_SECRET,
      SYNC_STUDIO_WORKERS: '1',
      ODOO_URL: odoo.url,
      ODOO_DB: 'odoo',
      ODOO_USER: 'admin',
      ODOO_PASSWORD: adminPassword,
    };
    const project = String(rows[0]!.project_id);
    const cli = await runCli(['run', project, 'TRY_ME', '--ids', `${ada}`], env);
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stdout, /^job \d+: done$/m);
    const cliJob = Number(/^job (\d+): done$/m.exec(cli.stdout)![1]);
    const { rows: jobRows } = await s.db.pool.query('select result from sync_studio.job where id = $1', [cliJob]);
    assert.deepEqual(jobRows[0].result.ids, [ada]);
    const noIds = await runCli(['run', project, 'TRY_ME'], env);
    assert.equal(noIds.code, 2);
    assert.match(noIds.stderr, /--ids: TRY_ME is a DB trigger: name the records handle_db receives, e\.g\. --ids 7,8,9/);
    const badIds = await runCli(['run', project, 'TRY_ME', '--ids', '7,x'], env);
    assert.equal(badIds.code, 2);
    assert.match(badIds.stderr, /--ids: expected record ids separated by commas/);
    await disable(id);
  });
});

describe('capture', () => {
  test('installed for enabled triggers only, removed when the last one is disabled; a DB trigger on a model with no table is a 400', async () => {
    const id = await dbTrigger({ kind: 'on_create', trigger_name: 'ONLY' });
    assert.deepEqual(await pgTriggers(), ['res_partner.sync_studio_delete', 'res_partner.sync_studio_insert']);
    await disable(id);
    await captureInstalled(false);
    assert.deepEqual(await pgTriggers(), []);
    const { taskId } = await s.project(HANDLER, { kind: 'button' });
    const refused = await s.call('developer', 'POST', `/api/tasks/${taskId}/triggers/db`, {
      trigger_name: 'NOPE',
      model: 'x_no.such_model',
      kind: 'on_create',
    });
    assert.equal(refused.status, 400);
    assert.match(refused.body.error.message, /model x_no\.such_model does not exist/);
  });

  test('a reconciliation that read the triggers before one was saved never removes the capture installed for it', async () => {
    const id = await dbTrigger({ kind: 'on_create', trigger_name: 'RACE' });
    // As a background reconciliation queued before RACE was saved: its first read saw no trigger.
    let reads = 0;
    const stale: CapturePlanner = async (db) => (reads++ === 0 ? [] : plansOfEnabledTriggers(db));
    const result = await reconcileCapture(s.db.pool, stale, 50);
    assert.deepEqual(result, { installed: [], removed: [], unchanged: ['res_partner'] });
    assert.deepEqual(await pgTriggers(), ['res_partner.sync_studio_delete', 'res_partner.sync_studio_insert']);
    await disable(id);
  });

  test("Odoo mode on a database without Odoo's tables: saving a DB trigger is a 400 saying so", async () => {
    const plain = await createTestStack();
    try {
      const { taskId } = await plain.project(HANDLER, { kind: 'button' });
      const refused = await plain.call('developer', 'POST', `/api/tasks/${taskId}/triggers/db`, {
        trigger_name: 'NO_ODOO',
        model: 'res.partner',
        kind: 'on_create',
      });
      assert.equal(refused.status, 400, JSON.stringify(refused.body));
      assert.equal(refused.body.error.field, 'model');
      assert.match(refused.body.error.message, /this database has none \(no ir_model table\): set DATABASE_URL to Odoo's own/);
    } finally {
      await plain.close();
    }
  });

  test('standalone mode: saving or running a DB trigger says DB triggers need Odoo mode', async () => {
    const store = new ProjectStore(s.db.pool, new SecretCipher(TEST_SECRET));
    const dbKind = dbTriggerKind({
      pool: s.db.pool,
      odooReads: s.db.pool,
      connectionString: s.db.url,
      jobs: s.runtime,
      instanceId: 1,
      odoo: undefined,
      settings: { mode: 'standalone', wakeup: 'notify-on-idle', pollMs: 1000, chunkSize: 1000, eventRetentionHours: 1 },
      clock: { now: () => new Date() },
      logger: createLogger('silent'),
    });
    store.addCheck('db', dbKind.check!);
    const project = await store.create('project', null, { name: 'Standalone', active: true });
    const task = await store.create('task', project.id, { name: 'T', code: HANDLER });
    await assert.rejects(store.create('db', task.id, { trigger_name: 'D', model: 'res.partner', kind: 'on_create' }), (error: Error) => {
      assert.ok(error instanceof DbTriggersUnavailableError);
      assert.match(error.message, /DB triggers need Odoo mode/);
      return true;
    });
    await assert.rejects(
      dbKind.runNow!({ spec: { trigger: { kind: 'db', id: 1 }, args: [] }, wait: false, ids: [1] }),
      DbTriggersUnavailableError,
    );
  });
});

/** A database role other than ours with `privileges` on res_partner, connected; `drop()` ends it and removes the role. */
async function partnerWriter(name: string, privileges: string): Promise<{ role: string; client: pg.Client; drop: () => Promise<void> }> {
  const role = `sync_studio_test_${name}_${process.pid}`;
  await s.db.pool.query(`create role ${role} login`);
  await s.db.pool.query(`grant ${privileges} on res_partner to ${role}`);
  await s.db.pool.query(`grant usage on sequence res_partner_id_seq to ${role}`);
  const url = new URL(odoo.databaseUrl('odoo'));
  url.username = role;
  url.password = '';
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  const drop = async () => {
    await client.end();
    await s.db.pool.query(`drop owned by ${role}`);
    await s.db.pool.query(`drop role ${role}`);
  };
  return { role, client, drop };
}

describe('Odoo is never broken', () => {
  test('a watched column dropped, renamed or retyped by an upgrade, and an out-of-date function: Odoo writes still succeed, and changes of watched columns are still captured', async () => {
    await s.db.pool.query('alter table res_partner add column x_score integer, add column x_note varchar');
    await s.db.pool.query(
      `insert into ir_model_fields (name, model, ttype, store) values ('x_score', 'res.partner', 'integer', true), ('x_note', 'res.partner', 'char', true)`,
    );
    const id = await dbTrigger({
      kind: 'on_write',
      trigger_name: 'SCORE',
      watched_fields: ['x_score', 'x_note'],
      filter_pre_domain: "[('x_note', '=', False)]",
    });
    const partner = await rpc.executeKw<number>('res.partner', 'create', [{ name: 'Upgraded' }]);
    // Every event captured, wherever it is: still in the inbox (not numbered yet), waiting, or processed.
    const events = `(select null::bigint as id, position, source[1] as table_name, source[2] as operation, ids, nullif(source[3:], '{}') as changed_columns
                       from sync_studio.capture_inbox
                     union all select id, null, table_name, operation, ids, changed_columns from sync_studio.db_event
                     union all select id, null, table_name, operation, ids, changed_columns from sync_studio.db_event_processed) e`;
    const { rows: last } = await s.db.pool.query(`select coalesce(max(id), 0) as id from ${events}`);
    // A type without an equality operator: the column-by-column comparison cannot even be planned.
    await s.db.pool.query('alter table res_partner alter column x_score type json using to_json(x_score)');
    // (The double's field list is cached: the new columns are written in SQL, as Odoo's ORM writes them.)
    const write = (set: string) => s.db.pool.query(`update res_partner set ${set}, write_date = now() where id = $1`, [partner]);
    await write(`name = 'Retyped column', x_note = 'retyped'`);
    await s.db.pool.query('alter table res_partner rename column x_note to x_memo');
    await write(`name = 'Renamed column', x_score = '7'`);
    await write(`name = 'Renamed column, watched one unchanged', x_score = '7'`);
    await s.db.pool.query('alter table res_partner drop column x_score');
    await rpc.executeKw('res.partner', 'write', [[partner], { name: 'Dropped column' }]);
    const { rows } = await s.db.pool.query(
      `select e.changed_columns from ${events}
        where table_name = 'res_partner' and operation = 'UPDATE' and $1 = any(ids) and (id > $2 or id is null) order by id nulls last, position`,
      [partner, last[0].id],
    );
    assert.deepEqual(
      rows.map((r) => r.changed_columns),
      [
        ['x_note', 'x_score'],
        ['x_note', 'x_score'],
      ],
      'every write that changed a watched column was captured (compared by name), and no other',
    );
    await disable(id);
    await s.db.pool.query('alter table res_partner drop column x_memo');
    await s.db.pool.query(`delete from ir_model_fields where name in ('x_score', 'x_note')`);
    await captureInstalled(false);
  });

  test("Odoo's own role, with no rights on our schema, writes through capture installed by another role: the write succeeds and is captured", async () => {
    const { client: odooRole, drop } = await partnerWriter('odoo', 'select, insert');
    const id = await dbTrigger({ kind: 'on_create', trigger_name: 'OTHER_ROLE' });
    try {
      const { rows } = await odooRole.query<{ id: number }>(
        `insert into res_partner (name, active) values ('Written by Odoo''s role', true) returning id`,
      );
      const jobs = await jobsOf(id, 1);
      assert.deepEqual(jobs[0]!.result.ids, [rows[0]!.id]);
      await assert.rejects(
        odooRole.query('select count(*) from sync_studio.db_event'),
        /permission denied/,
        'the role still has no rights on our schema',
      );
    } finally {
      await disable(id);
      await captureInstalled(false);
      await drop();
    }
  });

  test("a writer's search_path cannot make capture run the writer's functions or operators as our role", async () => {
    // A role that writes partners and owns a schema of look-alikes of what capture calls, placed
    // before pg_catalog in its search_path: unqualified, each would win over the built-in.
    const { role, client: writer, drop } = await partnerWriter('hostile', 'select, insert, update, delete');
    const schema = `hostile_${process.pid}`;
    await s.db.pool.query(`create schema ${schema} authorization ${role}`);
    await writer.query(`create table ${schema}.calls (who text, what text)`);
    await writer.query(`grant usage on schema ${schema} to public`);
    await writer.query(`grant insert on ${schema}.calls to public`);
    const spy = (what: string, returns: string) =>
      `begin insert into ${schema}.calls values (current_user, '${what}'); return ${returns}; end`;
    for (const type of ['text', 'integer', 'character varying', 'bigint']) {
      await writer.query(
        `create function ${schema}.same(a ${type}, b ${type}) returns boolean language plpgsql as $$${spy('=', 'a operator(pg_catalog.=) b')}$$`,
      );
      await writer.query(`create operator ${schema}.= (leftarg = ${type}, rightarg = ${type}, function = ${schema}.same)`);
    }
    await writer.query(
      `create function ${schema}.bigger(a bigint, b integer) returns boolean language plpgsql as $$${spy('>', 'a operator(pg_catalog.>) b')}$$`,
    );
    await writer.query(`create operator ${schema}.> (leftarg = bigint, rightarg = integer, function = ${schema}.bigger)`);
    await writer.query(
      `create function ${schema}.pg_notify(text, text) returns boolean language plpgsql as $$${spy('pg_notify', 'null')}$$`,
    );
    await writer.query(`create function ${schema}.to_jsonb(res_partner) returns jsonb language plpgsql as $$${spy('to_jsonb', "'{}'")}$$`);
    await writer.query(
      `create function ${schema}.keep(state integer[], id integer) returns integer[] language plpgsql as $$${spy('array_agg', 'state || id')}$$`,
    );
    await writer.query(`create aggregate ${schema}.array_agg(integer) (sfunc = ${schema}.keep, stype = integer[])`);
    await writer.query(`set search_path = ${schema}, pg_catalog, public`);
    const created = await dbTrigger({ kind: 'on_create', trigger_name: 'HOSTILE_CREATE' });
    const written = await dbTrigger({
      kind: 'on_write',
      trigger_name: 'HOSTILE_WRITE',
      watched_fields: ['email'],
      filter_pre_domain: "[('city', '=', False)]",
    });
    const deleted = await dbTrigger({ kind: 'on_unlink', trigger_name: 'HOSTILE_UNLINK' });
    try {
      const { rows } = await writer.query<{ id: number }>(`insert into res_partner (name, active) values ('Hostile', true) returning id`);
      const partner = rows[0]!.id;
      assert.deepEqual((await jobsOf(created, 1))[0]!.result.ids, [partner]);
      await writer.query(`update res_partner set email = 'h@example.com' where id = $1`, [partner]);
      assert.deepEqual((await jobsOf(written, 1))[0]!.result.ids, [partner]);
      await writer.query(`delete from res_partner where id = $1`, [partner]);
      assert.deepEqual((await jobsOf(deleted, 1))[0]!.result.ids, [partner]);
      const { rows: calls } = await writer.query(`select distinct who, what from ${schema}.calls order by 1, 2`);
      // The look-alikes won in the writer's own statements (its WHERE id = $1), never in capture's.
      assert.deepEqual(calls, [{ who: role, what: '=' }]);
    } finally {
      for (const id of [created, written, deleted]) await disable(id);
      await captureInstalled(false);
      await s.db.pool.query(`drop schema ${schema} cascade`);
      await drop();
    }
  });

  test("installing capture waits at most briefly for Odoo's writers and is retried in the background", async () => {
    const holder = new pg.Client({ connectionString: odoo.databaseUrl('odoo') });
    await holder.connect();
    let triggerId: number;
    try {
      await holder.query('begin');
      await holder.query(`update res_partner set city = city where id = 1`);
      ({ triggerId } = await s.project(HANDLER, {
        kind: 'db',
        trigger: { model: 'res.partner', kind: 'on_create', trigger_name: 'BUSY' },
      }));
      // Another Odoo writer is not queued behind the waiting capture.
      const writer = new pg.Client({ connectionString: odoo.databaseUrl('odoo') });
      await writer.connect();
      await new Promise((resolve) => setTimeout(resolve, 300));
      const started = Date.now();
      await writer.query(`update res_partner set city = city where id = 2`);
      assert.ok(Date.now() - started < 1000, `an Odoo write waited ${Date.now() - started} ms`);
      await writer.end();
      assert.deepEqual(await pgTriggers(), [], 'not installed while the table is busy');
    } finally {
      await holder.query('commit');
      await holder.end();
    }
    await captureInstalled(true);
    await disable(triggerId);
    await captureInstalled(false);
  });
});

defineRecordsContract('Odoo double as admin', async () => ({ rpc, db: s.db.pool }));
// A technical user outside Administration / Access Rights (what docs/deploy.md recommends): Odoo's
// read refuses it res.partner's signup_token, so its records must not carry it either.
defineRecordsContract('Odoo double as a technical user', async () => {
  await odoo.addUser('odoo', { login: 'records_tech', password: 'records_tech', name: 'Records technical user' });
  const tech = createJsonRpcClient({ url: odoo.url, db: 'odoo', login: 'records_tech', password: 'records_tech' });
  return { rpc: tech, db: s.db.pool, stop: async () => tech.close() };
});

describe('records arrive as Odoo reads them', () => {
  test('on_time: each record fires once per crossing, a sidecar that was down catches up once', async () => {
    await s.db.pool.query(`insert into res_partner (name, write_uid, create_uid, create_date) values
      ('Old', 2, 2, '2030-01-01 10:00:00'), ('Newer', 2, 2, '2030-01-03 10:00:00'), ('Never', 2, 2, '2031-01-01 00:00:00')`);
    const id = await dbTrigger(
      {
        kind: 'on_time',
        trigger_name: 'LATER',
        date_field: 'create_date',
        date_range: 1,
        date_range_type: 'day',
        filter_domain: "[('name', 'in', ['Old', 'Newer', 'Never'])]",
      },
      `async function handle_db(records) { return { names: records.mapped('name') }; }`,
    );
    let now = new Date('2030-01-02T09:00:00Z');
    const scanner = new OnTimeScanner({
      pool: s.db.pool,
      jobs: s.runtime,
      odoo: undefined,
      // The stack's loader: the on_time scan reads Odoo's table through its connection.
      loader: s.triggers.kinds.db.service.loader,
      chunkSize: 1000,
      clock: { now: () => now },
      logger: createLogger('silent'),
    });
    await s.db.pool.query(`update sync_studio.trigger_db set last_run = '2030-01-01T00:00:00Z' where id = $1`, [id]);
    assert.equal(await scanner.scan(), 0, 'not due yet');
    now = new Date('2030-01-02T10:00:30Z');
    assert.equal(await scanner.scan(), 1);
    assert.equal(await scanner.scan(), 0, 'once per crossing');
    now = new Date('2030-01-10T00:00:00Z');
    assert.equal(await scanner.scan(), 1, 'after a downtime: one catch-up');
    const jobs = await jobsOf(id, 2);
    assert.deepEqual(
      jobs.map((j) => j.result.names),
      [['Old'], ['Newer']],
    );
    await disable(id);
  });

  test("a module install's new field is read with the next change (the stored fields are read again within a second), and asked of fields_get before it is handed out", async () => {
    let now = new Date('2030-01-01T00:00:00Z');
    const clock = { now: () => now };
    let fieldsGetCalls = 0;
    // Odoo's fields_get, through the double's JSON-RPC, counted.
    const fieldsGet = async (model: string) => {
      fieldsGetCalls++;
      return Object.keys(await rpc.executeKw<Record<string, unknown>>(model, 'fields_get', [], { attributes: ['type'] }));
    };
    const db = s.triggers.kinds.db.service.loader.db;
    const checked = new RecordLoader(db, undefined, fieldsGet, clock);
    const sqlOnly = new RecordLoader(db, undefined, undefined, clock);
    const partner = await rpc.executeKw<number>('res.partner', 'create', [{ name: 'Ranked' }]);
    const names = async (loader: RecordLoader) => (await loader.fields('res.partner')).map((f) => f.name);
    assert.ok(!(await names(checked)).includes('x_rank'));
    assert.ok(!(await names(sqlOnly)).includes('x_rank'));
    assert.equal(fieldsGetCalls, 1);
    // A module install adds a stored field: its column and its ir_model_fields row.
    await s.db.pool.query('alter table res_partner add column x_rank integer');
    try {
      await s.db.pool.query(`insert into ir_model_fields (name, model, ttype, store) values ('x_rank', 'res.partner', 'integer', true)`);
      await s.db.pool.query('update res_partner set x_rank = 7 where id = $1', [partner]);
      now = new Date(now.getTime() + 1000);
      const loaded = await sqlOnly.load('res.partner', [partner]);
      assert.equal(
        loaded.rows.get(partner)!.x_rank,
        7,
        'the new column is read a second later, not after the 30 s the field list used to be kept',
      );
      // With Odoo: fields_get is asked again, and a field it does not list (the double lists its own
      // fields only, as Odoo leaves out a field restricted to groups the user lacks) stays out.
      assert.ok(!(await names(checked)).includes('x_rank'));
      assert.equal(fieldsGetCalls, 2, 'fields_get asked again when the stored fields changed');
      now = new Date(now.getTime() + 20_000);
      await names(checked);
      assert.equal(fieldsGetCalls, 2, 'and not again while they stay the same');
    } finally {
      await s.db.pool.query(`delete from ir_model_fields where name = 'x_rank'`);
      await s.db.pool.query('alter table res_partner drop column x_rank');
    }
  });

  test(
    'what fields_get answered is asked again in the background after 30 s: a dispatch never waits for it once answered',
    { timeout: 20_000 },
    async () => {
      let now = new Date('2030-01-01T00:00:00Z');
      let fieldsGetCalls = 0;
      let answered = 0;
      let held: Promise<void> = Promise.resolve();
      const fieldsGet = async (model: string) => {
        fieldsGetCalls++;
        await held;
        const names = Object.keys(await rpc.executeKw<Record<string, unknown>>(model, 'fields_get', [], { attributes: ['type'] }));
        answered++;
        return names;
      };
      const loader = new RecordLoader(s.triggers.kinds.db.service.loader.db, undefined, fieldsGet, { now: () => now });
      const first = (await loader.fields('res.partner')).map((f) => f.name);
      assert.ok(first.includes('email'));
      let release!: () => void;
      held = new Promise((resolve) => (release = resolve));
      now = new Date(now.getTime() + 30_000);
      assert.deepEqual(
        (await loader.fields('res.partner')).map((f) => f.name),
        first,
        'answered from what was read while fields_get is asked again',
      );
      assert.equal(fieldsGetCalls, 2);
      release();
      await pollUntil('fields_get answered again', async () => answered === 2);
      now = new Date(now.getTime() + 29_000);
      await loader.fields('res.partner');
      assert.equal(fieldsGetCalls, 2, 'kept 30 s from the new answer');
      now = new Date(now.getTime() + 1_000);
      await loader.fields('res.partner');
      assert.equal(fieldsGetCalls, 3);
    },
  );

  test("a sidecar started with an enabled change trigger logs in to Odoo and reads the watched model's fields at once: its first dispatch waits for neither", async () => {
    const id = await dbTrigger({ kind: 'on_create', trigger_name: 'WARM' });
    const before = odoo.calls().length;
    const second = await createTestStack({
      databaseUrl: odoo.databaseUrl('odoo'),
      env: { ODOO_URL: odoo.url, ODOO_DB: 'odoo', ODOO_USER: 'admin', ODOO_PASSWORD: adminPassword },
    });
    try {
      // The first sidecar logged in long ago and keeps its uid: a login now is the second one's.
      await pollUntil('the second sidecar logged in and asked fields_get', async () => {
        const calls = odoo.calls().slice(before);
        return calls.includes('common.login') && calls.includes('res.partner.fields_get');
      });
      const { rows } = await s.db.pool.query('select count(*)::int as n from sync_studio.job where trigger_id = $1', [id]);
      assert.equal(rows[0].n, 0, 'before any change');
    } finally {
      await second.close();
      await disable(id);
    }
  });

  test("Odoo's tables are read with PostgreSQL's default planner settings, read-only; the sidecar's pool keeps its own", async () => {
    const settingsOf = async (db: Pick<pg.Pool, 'query'>) =>
      (
        await db.query(`select current_setting('enable_seqscan') as enable_seqscan, current_setting('plan_cache_mode') as plan_cache_mode,
          current_setting('jit') as jit, current_setting('transaction_read_only') as read_only`)
      ).rows[0];
    // A plain connection to the same database: the server's own defaults.
    const plain = new pg.Client({ connectionString: odoo.databaseUrl('odoo') });
    await plain.connect();
    const defaults = await settingsOf(plain).finally(() => plain.end());
    assert.equal(defaults.enable_seqscan, 'on');
    assert.equal(defaults.plan_cache_mode, 'auto');
    // The connection behind every read of Odoo's tables (records, apply-on domains, users' languages, on_time scans).
    const odooReads = s.triggers.kinds.db.service.loader.db;
    assert.deepEqual(await settingsOf(odooReads), { ...defaults, read_only: 'on' });
    await assert.rejects(odooReads.query(`update res_partner set name = name where id = 1`), /read-only transaction/);
    // The sidecar's pool (jobs, logs, the queue) keeps its plan settings.
    assert.deepEqual(await settingsOf(s.db.pool), {
      enable_seqscan: 'off',
      plan_cache_mode: 'force_generic_plan',
      jit: 'off',
      read_only: 'off',
    });
  });

  test("a DB trigger's last events and jobs through the API", async () => {
    const id = await dbTrigger({ kind: 'on_create', trigger_name: 'SEEN' });
    const partner = await rpc.executeKw<number>('res.partner', 'create', [{ name: 'Seen' }]);
    await jobsOf(id, 1);
    const { status, body } = await s.call('user', 'GET', `/api/triggers/db/${id}/events`);
    assert.equal(status, 200);
    assert.equal(body.table, 'res_partner');
    assert.ok(body.events.some((e: any) => e.operation === 'INSERT' && e.ids.includes(partner) && e.processed_at));
    assert.deepEqual(body.jobs[0].record_ids, [partner]);
    await disable(id);
  });
});

describe('schema dropped, uninstall-capture', () => {
  test('uninstall removes every pg trigger and function; dropping our schema removes capture with it and Odoo writes go on', async () => {
    await odoo.addDatabase('dropme');
    const db = await openTestDatabase(odoo.databaseUrl('dropme'));
    try {
      const installedTriggers = async () =>
        (await db.pool.query(`select tgname from pg_trigger where tgname like 'sync\\_studio\\_%' order by 1`)).rows.map((r) => r.tgname);
      const plans = await planCapture(db.pool, [
        { model: 'res.partner', kind: 'on_create_or_write', watched_fields: ['email'], filter_pre_domain: '' },
      ]);
      await reconcileCapture(db.pool, async () => plans, 50);
      assert.deepEqual(await installedTriggers(), ['sync_studio_delete', 'sync_studio_insert', 'sync_studio_update']);
      assert.deepEqual((await reconcileCapture(db.pool, async () => plans, 50)).unchanged, ['res_partner'], 'idempotent');
      // The command of docs/deploy.md, "Removing Sync Studio": DATABASE_URL is all it needs.
      const uninstall = () => runCli(['uninstall-capture'], { DATABASE_URL: odoo.databaseUrl('dropme') });
      const removed = await uninstall();
      assert.equal(removed.code, 0, removed.stderr);
      assert.equal(removed.stdout, 'capture removed from res_partner\n');
      assert.deepEqual(await installedTriggers(), []);
      const { rows } = await db.pool.query(`select count(*)::int as n from pg_proc where proname like 'capture\\_%'`);
      assert.equal(rows[0].n, 0);
      await reconcileCapture(db.pool, async () => plans, 50);
      await db.pool.query('drop schema sync_studio cascade');
      assert.deepEqual(await installedTriggers(), []);
      await db.pool.query(`insert into res_partner (name) values ('After the schema')`);
      await db.pool.query(`update res_partner set email = 'x@example.com' where name = 'After the schema'`);
      const nothingLeft = await uninstall();
      assert.equal(nothingLeft.code, 0, nothingLeft.stderr);
      assert.equal(nothingLeft.stdout, 'no capture was installed\n', 'the schema dropped first: nothing to remove, and no schema created');
      const { rows: schemas } = await db.pool.query(`select count(*)::int as n from pg_namespace where nspname = 'sync_studio'`);
      assert.equal(schemas[0].n, 0);
    } finally {
      await db.pool.end();
    }
  });
});
