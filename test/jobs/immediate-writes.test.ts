/**
 * Immediate jobs' writes share statements; one write that cannot be made (its task was deleted a
 * moment ago) must not take the others of its batch down with it.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ImmediateJobWriter } from '../../server/src/jobs/immediate-writes.js';
import type { NewJob } from '../../server/src/history/jobs.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

let db: TestDatabase;
before(async () => {
  db = await createTestDatabase('ss_immediate', 3);
  await db.pool.query(`insert into sync_studio.project (id, name) values (1, 'p')`);
  await db.pool.query(`insert into sync_studio.task (id, project_id, name, code) values (1, 1, 't', 'function handle_button() {}')`);
});
after(() => db.drop());

const job = (taskId: number): NewJob => ({
  projectId: 1,
  taskId,
  triggerKind: 'button',
  triggerId: 1,
  triggerName: 'PRESS',
  parentJobId: null,
  function: 'handle_button',
  args: [],
  maxRetries: 1,
  priority: 0,
  runAt: null,
  odooUserId: null,
  runMode: 'immediate',
});

test('a start that fails fails alone: the starts and final states batched with it are written', async () => {
  const writer = new ImmediateJobWriter(db.pool, 7);
  const running = await writer.start(job(1), undefined);
  assert.equal(running.task_code, 'function handle_button() {}');
  // While the first statement is in flight the next three wait, and then go as one batch.
  const first = writer.start(job(1), undefined);
  const orphan = writer.start(job(999), undefined);
  const finished = writer.finish({ jobId: running.id, state: 'done', resultJson: '1', logs: [] });
  const second = writer.start(job(1), undefined);
  await assert.rejects(orphan, /foreign key/);
  await finished;
  const [a, b] = await Promise.all([first, second]);
  const { rows } = await db.pool.query<{ id: number; state: string }>('select id, state from sync_studio.job order by id');
  assert.deepEqual(rows, [
    { id: running.id, state: 'done' },
    { id: a.id, state: 'started' },
    { id: b.id, state: 'started' },
  ]);
});
