/** The job log writer against a real PostgreSQL: a job's lines taken for its final state are all of them. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { LogWriter, type LogRow } from '../../server/src/history/logs.js';
import { createLogger } from '../../server/src/shared/logger.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

let db: TestDatabase;
before(async () => {
  db = await createTestDatabase('ss_logw');
});
after(async () => {
  await db.drop();
});

const line = (message: string): LogRow => ({
  jobId: 7,
  projectId: null,
  taskId: null,
  triggerKind: null,
  triggerId: null,
  level: 'info',
  type: 'server',
  name: 'Log',
  message,
});

test('take() waits for a flush that started while it waited: every line of the job is written or taken, none in flight', async () => {
  const writer = new LogWriter(db.pool, createLogger('silent'));
  // Inserts into the log wait for this lock, so the first flush is still under way when take() starts.
  const blocker = new pg.Client({ connectionString: db.url });
  await blocker.connect();
  await blocker.query('begin; lock table sync_studio.log in share row exclusive mode');
  writer.write(line('first'));
  void writer.flush();
  const taken = writer.take(7);
  // A second flush (the timer's, or 500 lines') starts while take() waits for the first.
  writer.write(line('second'));
  void writer.flush();
  await blocker.query('commit');
  await blocker.end();
  const lines = await taken;
  const { rows } = await db.pool.query<{ message: string }>('select message from sync_studio.log where job_id = 7 order by id');
  assert.deepEqual([...rows.map((r) => r.message), ...lines.map((l) => l.message)].sort(), ['first', 'second']);
});
