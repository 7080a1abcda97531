/**
 * Fan-out: many `add_job` calls from one handler are created by group commit. Call order is kept,
 * identity keys still drop duplicates of a pending job, sub-jobs exist even when task code did not
 * await them, and two sidecars on one database share the sub-jobs without running one twice.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestStack, logsOf, type TestStack } from '../helpers/runtime.js';

let s: TestStack;
before(async () => {
  s = await createTestStack();
});
after(() => s.close());

const runButton = (triggerId: number) => s.call('developer', 'POST', `/api/triggers/button/${triggerId}/run`, { wait: true });

const subJobsOf = async (stack: TestStack, parentId: number) =>
  (
    await stack.db.pool.query(
      'select id, args, state, attempts, instance_id, queue_job_id from sync_studio.job where parent_job_id = $1 order by id',
      [parentId],
    )
  ).rows;

describe('add_job fan-out', () => {
  test('sub-jobs asked for in a loop without await are all created, in the order asked, before the job ends', async () => {
    const { triggerId } = await s.project(
      `function handle_button() { for (let i = 0; i < 600; i++) add_job('work')(i); return 'asked'; }
       function work(i) { log('work ' + i); }`,
    );
    const res = await runButton(triggerId);
    assert.equal(res.body.state, 'done');
    const rows = await subJobsOf(s, res.body.job_id);
    assert.deepEqual(
      rows.map((row) => row.args[0]),
      Array.from({ length: 600 }, (_, i) => i),
      'ids ascend in call order',
    );
    assert.ok(
      rows.every((row) => row.queue_job_id !== null),
      'every sub-job has its queue entry',
    );
    const parentLines = await logsOf(s, res.body.job_id);
    assert.equal(parentLines.filter((l) => /^add_job: work\(\d+\)\. See job \d+$/.test(l.message)).length, 600);
    await s.settled(res.body.job_id, 60_000);
    const states = await subJobsOf(s, res.body.job_id);
    assert.ok(states.every((row) => row.state === 'done'));
  });

  test('identity keys drop duplicates within one burst and against a pending job, keeping the first', async () => {
    const { triggerId } = await s.project(
      `function handle_button() {
         add_job('work', { identity_key: 'k0', eta: 3600 })('early');
         for (let i = 0; i < 100; i++) add_job('work', { identity_key: 'k' + (i % 10), eta: 3600 })(i);
       }
       function work(i) {}`,
    );
    const res = await runButton(triggerId);
    const rows = await subJobsOf(s, res.body.job_id);
    assert.deepEqual(
      rows.map((row) => row.args[0]),
      ['early', 1, 2, 3, 4, 5, 6, 7, 8, 9],
    );
    const dropped = (await logsOf(s, res.body.job_id)).filter((l) =>
      /dropped: job \d+ with identity key k\d has not run yet/.test(l.message),
    );
    assert.equal(dropped.length, 91);
    const { rows: entries } = await s.db.pool.query<{ id: string; job_id: string; same_run_at: boolean }>(
      `select j.id::text, q.payload ->> 'jobId' as job_id, q.run_at = j.run_at as same_run_at
         from sync_studio.job j join graphile_worker._private_jobs q on q.id::text = j.queue_job_id where j.parent_job_id = $1 order by j.id`,
      [res.body.job_id],
    );
    assert.deepEqual(
      entries.map((e) => [e.job_id, e.same_run_at]),
      entries.map((e) => [e.id, true]),
      "each kept job has its own queue entry, due at the job's time; the dropped ones have none",
    );
    assert.equal(entries.length, 10);
    const again = await runButton(triggerId);
    assert.deepEqual(await subJobsOf(s, again.body.job_id), [], 'every key is still pending from the first run');
  });
});

describe('two sidecars on one database', () => {
  test('share the sub-jobs of one fan-out, and none runs twice', async () => {
    const other = await createTestStack({ databaseUrl: s.db.url });
    try {
      const { triggerId } = await s.project(
        `function handle_button() { for (let i = 0; i < 1000; i++) add_job('work')(i); }
         function work(i) { log('work ' + i); }`,
      );
      const res = await runButton(triggerId);
      assert.equal(res.body.state, 'done');
      await s.settled(res.body.job_id, 90_000);
      const rows = await subJobsOf(s, res.body.job_id);
      assert.equal(rows.length, 1000);
      assert.ok(rows.every((row) => row.state === 'done' && row.attempts === 1));
      const { rows: starts } = await s.db.pool.query<{ n: number }>(
        `select count(*)::int as n from sync_studio.log l join sync_studio.job j on j.id = l.job_id
          where j.parent_job_id = $1 and l.message = 'Job started'`,
        [res.body.job_id],
      );
      assert.equal(starts[0]!.n, 1000, 'each sub-job started once');
      const bySidecar = new Map<number, number>();
      for (const row of rows) bySidecar.set(row.instance_id, (bySidecar.get(row.instance_id) ?? 0) + 1);
      assert.deepEqual(
        [...bySidecar.keys()].sort(),
        [s.runtime.instanceId, other.runtime.instanceId].sort(),
        `both sidecars ran sub-jobs: ${JSON.stringify([...bySidecar])}`,
      );
    } finally {
      await other.close();
    }
  });
});
