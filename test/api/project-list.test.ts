/** The projects list the panel shows: archived/active filter, name search, and per-project counts. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
before(async () => {
  t = await createTestApp();
});
after(() => t.close());

const admin = (method: string, path: string, body?: unknown) => t.call('administrator', method, path, body);

test('the list filters by active state and name (wildcards are literal) and counts tasks and enabled triggers', async () => {
  const live = (await admin('POST', '/api/projects', { name: 'Live 100%', active: true })).body;
  await admin('POST', '/api/projects', { name: 'Live 1000' });
  const taskA = (await admin('POST', `/api/projects/${live.id}/tasks`, { name: 'a' })).body;
  const taskB = (await admin('POST', `/api/projects/${live.id}/tasks`, { name: 'b', active: false })).body;
  await admin('POST', `/api/tasks/${taskA.id}/triggers/button`, { trigger_name: 'on' });
  await admin('POST', `/api/tasks/${taskA.id}/triggers/cron`, { trigger_name: 'off', active: false });
  await admin('POST', `/api/tasks/${taskB.id}/triggers/button`, { trigger_name: 'archived_task' });

  const all = (await admin('GET', '/api/projects?active=all&search=live')).body;
  assert.deepEqual(all.items.map((p: any) => p.name).sort(), ['Live 100%', 'Live 1000']);
  const active = (await admin('GET', '/api/projects?active=true')).body;
  assert.deepEqual(
    active.items.map((p: any) => p.name),
    ['Live 100%'],
  );
  assert.deepEqual([active.items[0].task_count, active.items[0].enabled_trigger_count, active.items[0].recent_failure_count], [2, 1, 0]);
  const archived = (await admin('GET', '/api/projects?active=false&search=100%25')).body;
  assert.equal(archived.total, 0, '"%" is matched literally');
  const bad = await admin('GET', '/api/projects?active=maybe');
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.field, 'active');
});
