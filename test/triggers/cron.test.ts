/**
 * Cron triggers over the full stack: slots fired with a controllable clock (the stack's own queue
 * never reaches these far-future schedules), the keyed queue job, rescheduling on API changes,
 * reconciliation, and one schedule run end to end through graphile-worker.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CronScheduler, cronJobKey } from '../../server/src/triggers/index.js';
import { createLogger } from '../../server/src/shared/logger.js';
import type { Clock } from '../../server/src/shared/clock.js';
import { createTestStack, type TestStack } from '../helpers/runtime.js';
import { pollUntil } from '../helpers/poll.js';

let s: TestStack;
const clock = {
  current: new Date('2100-01-01T00:00:00Z'),
  now() {
    return new Date(this.current);
  },
} satisfies Clock & { current: Date };
let scheduler: CronScheduler;

before(async () => {
  s = await createTestStack();
  scheduler = new CronScheduler({ pool: s.db.pool, jobs: s.runtime, clock, logger: createLogger('silent') });
});
after(() => s.close());

const FUTURE = '2100-01-01T06:00:00.000Z';

async function cronTrigger(trigger: Record<string, unknown>, code = 'function handle_cron() { log("tick"); }') {
  const ids = await s.project(code, { kind: 'cron', trigger: { interval_number: 1, interval_type: 'days', nextcall: FUTURE, ...trigger } });
  await s.triggers.kinds.cron.scheduler.idle();
  return ids;
}

async function cronRow(id: number) {
  const { rows } = await s.db.pool.query('select active, nextcall, lastcall, numbercall from sync_studio.trigger_cron where id = $1', [id]);
  return rows[0];
}

async function queueJobs(triggerId: number) {
  const { rows } = await s.db.pool.query<{ run_at: Date; payload: unknown }>(
    `select j.run_at, p.payload from graphile_worker.jobs j join graphile_worker._private_jobs p on p.id = j.id where j.key = $1`,
    [cronJobKey(triggerId)],
  );
  return rows;
}

async function jobsOf(triggerId: number) {
  const { rows } = await s.db.pool.query(
    `select id, state, function from sync_studio.job where trigger_kind = 'cron' and trigger_id = $1 order by id`,
    [triggerId],
  );
  return rows;
}

describe('firing a slot', () => {
  test('a due slot enqueues one job, counts numbercall down and moves nextcall by the schedule', async () => {
    const { triggerId } = await cronTrigger({ numbercall: 3 });
    clock.current = new Date('2100-01-01T06:00:30Z');
    const outcome = await scheduler.fire(triggerId);
    assert.equal(outcome.action, 'enqueued');
    const row = await cronRow(triggerId);
    assert.equal(row.nextcall.toISOString(), '2100-01-02T06:00:00.000Z', 'from the schedule, not from when it fired');
    assert.equal(row.lastcall.toISOString(), '2100-01-01T06:00:30.000Z');
    assert.equal(row.numbercall, 2);
    assert.equal(row.active, true);
    const jobs = await jobsOf(triggerId);
    assert.equal(jobs.length, 1);
    assert.equal(jobs[0].function, 'handle_cron');
    const queued = await queueJobs(triggerId);
    assert.equal(queued.length, 1, 'one keyed queue job per trigger');
    assert.equal(queued[0]!.run_at.toISOString(), '2100-01-02T06:00:00.000Z');
  });

  test('after a downtime a missed schedule runs once, not once per missed slot', async () => {
    const { triggerId } = await cronTrigger({ interval_number: 2, interval_type: 'hours' });
    clock.current = new Date('2100-01-03T17:30:00Z');
    await scheduler.fire(triggerId);
    assert.equal((await scheduler.fire(triggerId)).action, 'not_due');
    assert.equal((await jobsOf(triggerId)).length, 1);
    assert.equal((await cronRow(triggerId)).nextcall.toISOString(), '2100-01-03T18:00:00.000Z');
    assert.equal((await cronRow(triggerId)).numbercall, -1, '-1 runs forever');
  });

  test('numbercall reaching 0 stops the trigger, like Odoo', async () => {
    const { triggerId } = await cronTrigger({ numbercall: 1 });
    clock.current = new Date('2100-01-01T07:00:00Z');
    const outcome = await scheduler.fire(triggerId);
    assert.deepEqual(outcome.action === 'enqueued' && [outcome.numbercall, outcome.active], [0, false]);
    assert.equal((await cronRow(triggerId)).active, false);
    assert.equal((await queueJobs(triggerId)).length, 0, 'nothing scheduled any more');
    clock.current = new Date('2100-01-05T07:00:00Z');
    assert.deepEqual(await scheduler.fire(triggerId), { action: 'ignored', reason: 'disabled' });
    assert.equal((await jobsOf(triggerId)).length, 1);
  });

  test('an archived project lets the slot pass without a job and without consuming numbercall', async () => {
    const { triggerId, projectId } = await cronTrigger({ numbercall: 2 });
    await s.store.update('project', projectId, { active: false });
    clock.current = new Date('2100-01-01T06:00:00Z');
    assert.equal((await scheduler.fire(triggerId)).action, 'skipped_archived');
    const row = await cronRow(triggerId);
    assert.equal(row.numbercall, 2);
    assert.equal(row.nextcall.toISOString(), '2100-01-02T06:00:00.000Z');
    assert.equal((await jobsOf(triggerId)).length, 0);
    const { rows } = await s.db.pool.query(`select level, message from sync_studio.log where trigger_kind = 'cron' and trigger_id = $1`, [
      triggerId,
    ]);
    assert.equal(rows[0].level, 'warning');
    assert.match(rows[0].message, /archived/);
    assert.equal((await queueJobs(triggerId)).length, 1, 'the schedule goes on');
  });

  test('a disabled trigger does not run', async () => {
    const { triggerId } = await cronTrigger({ active: false });
    clock.current = new Date('2100-01-02T06:00:00Z');
    assert.deepEqual(await scheduler.fire(triggerId), { action: 'ignored', reason: 'disabled' });
    assert.equal((await jobsOf(triggerId)).length, 0);
  });

  test('a slot not yet due is left alone', async () => {
    const { triggerId } = await cronTrigger({});
    clock.current = new Date('2100-01-01T05:00:00Z');
    assert.equal((await scheduler.fire(triggerId)).action, 'not_due');
    assert.equal((await jobsOf(triggerId)).length, 0);
  });

  test('two sidecars firing the same slot at once run it once', async () => {
    const { triggerId } = await cronTrigger({ numbercall: 10 });
    clock.current = new Date('2100-01-01T06:00:01Z');
    const other = new CronScheduler({ pool: s.db.pool, jobs: s.runtime, clock, logger: createLogger('silent') });
    const outcomes = await Promise.all([
      scheduler.fire(triggerId),
      other.fire(triggerId),
      scheduler.fire(triggerId),
      other.fire(triggerId),
    ]);
    assert.deepEqual(outcomes.map((o) => o.action).sort(), ['enqueued', 'not_due', 'not_due', 'not_due']);
    assert.equal((await jobsOf(triggerId)).length, 1);
    assert.equal((await cronRow(triggerId)).numbercall, 9);
    assert.equal((await queueJobs(triggerId)).length, 1);
  });
});

describe('rescheduling', () => {
  test('changing nextcall or the interval in the API moves the queue job at once', async () => {
    const { triggerId } = await cronTrigger({});
    assert.equal((await queueJobs(triggerId))[0]!.run_at.toISOString(), FUTURE);
    const patched = await s.call('developer', 'PATCH', `/api/triggers/cron/${triggerId}`, { nextcall: '2100-03-01T00:00:00Z' });
    assert.equal(patched.status, 200);
    await s.triggers.kinds.cron.scheduler.idle();
    const queued = await queueJobs(triggerId);
    assert.equal(queued.length, 1);
    assert.equal(queued[0]!.run_at.toISOString(), '2100-03-01T00:00:00.000Z');
    assert.deepEqual(queued[0]!.payload, { triggerId });
  });

  test('disabling or deleting a trigger removes its queue job; enabling brings it back', async () => {
    const { triggerId } = await cronTrigger({});
    await s.call('developer', 'PATCH', `/api/triggers/cron/${triggerId}`, { active: false });
    await s.triggers.kinds.cron.scheduler.idle();
    assert.equal((await queueJobs(triggerId)).length, 0);
    await s.call('developer', 'PATCH', `/api/triggers/cron/${triggerId}`, { active: true });
    await s.triggers.kinds.cron.scheduler.idle();
    assert.equal((await queueJobs(triggerId)).length, 1);
    assert.equal((await s.call('developer', 'DELETE', `/api/triggers/cron/${triggerId}`)).status, 204);
    await s.triggers.kinds.cron.scheduler.idle();
    assert.equal((await queueJobs(triggerId)).length, 0);
  });

  test('reconcile schedules triggers written without the store (imports), once', async () => {
    const { taskId } = await cronTrigger({});
    const { rows } = await s.db.pool.query(
      `insert into sync_studio.trigger_cron (task_id, trigger_name, nextcall) values ($1, 'IMPORTED', $2) returning id`,
      [taskId, FUTURE],
    );
    const importedId = rows[0].id as number;
    assert.equal((await queueJobs(importedId)).length, 0);
    assert.ok((await s.triggers.kinds.cron.scheduler.reconcile()) >= 1);
    assert.equal((await queueJobs(importedId)).length, 1);
    assert.equal(await s.triggers.kinds.cron.scheduler.reconcile(), 0, 'nothing left to fix');
  });

  test('Run Now queues a run without moving the schedule', async () => {
    const { triggerId } = await cronTrigger({ numbercall: 5 });
    const before = await cronRow(triggerId);
    const res = await s.call('developer', 'POST', `/api/triggers/cron/${triggerId}/run`, {});
    assert.equal(res.status, 202);
    assert.equal((await s.settled(res.body.job_id)).state, 'done');
    assert.deepEqual(await cronRow(triggerId), before);
  });
});

describe('through the queue', () => {
  test('a due trigger fires through graphile-worker and is rescheduled on its schedule', async () => {
    const due = new Date(Date.now() - 60_000);
    const { triggerId } = await cronTrigger({ interval_number: 1, interval_type: 'hours', nextcall: due.toISOString(), numbercall: 4 });
    const jobs = await pollUntil(`a job of cron trigger ${triggerId}`, async () => {
      const found = await jobsOf(triggerId);
      return found.length > 0 ? found : undefined;
    });
    assert.equal(jobs.length, 1, 'the slot ran');
    assert.equal((await s.settled(jobs[0].id)).state, 'done');
    const row = await cronRow(triggerId);
    assert.equal(row.nextcall.getTime(), due.getTime() + 3_600_000);
    assert.equal(row.numbercall, 3);
    const queued = await queueJobs(triggerId);
    assert.equal(queued.length, 1);
    assert.equal(queued[0]!.run_at.getTime(), due.getTime() + 3_600_000);
  });
});
