/**
 * Every filter and grouping of `/api/jobs`, `/api/logs` and `/api/logs/counts`, through HTTP (query
 * strings as a browser or curl sends them), and the messages bad filter values get.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestStack, type TestStack } from '../helpers/runtime.js';

let s: TestStack;
let a: { projectId: number; taskId: number; triggerId: number };
let b: { projectId: number; taskId: number; triggerId: number };
let parentJob: number;
let subJob: number;
let cronJob: number;
let between: string;

const get = async (path: string) => {
  const res = await s.call('user', 'GET', path);
  assert.equal(res.status, 200, `${path}: ${JSON.stringify(res.body)}`);
  return res.body;
};
const ids = (body: { items: { id: number }[] }) => body.items.map((item) => item.id).sort((x, y) => x - y);

before(async () => {
  s = await createTestStack();
  a = await s.project(
    `function handle_button() { log('warned', LOG_WARNING); add_job('later')(); }
     function later() { log_transmission('somewhere', 'sent'); }`,
  );
  b = await s.project(`function handle_cron() { log('cron ran'); }`, { kind: 'cron' });
  const started = await s.call('developer', 'POST', `/api/triggers/button/${a.triggerId}/run`, { wait: true });
  parentJob = started.body.job_id;
  await s.settled(parentJob);
  subJob = (await s.db.pool.query('select id from sync_studio.job where parent_job_id = $1', [parentJob])).rows[0].id;
  await new Promise((resolve) => setTimeout(resolve, 20));
  between = new Date().toISOString();
  await new Promise((resolve) => setTimeout(resolve, 20));
  const queued = await s.call('developer', 'POST', `/api/triggers/cron/${b.triggerId}/run`, {});
  cronJob = queued.body.job_id ?? queued.body.job_id;
  await s.settled(cronJob);
});
after(() => s.close());

describe('job filters over HTTP', () => {
  test('project_id, task_id, trigger_kind, trigger_id', async () => {
    assert.deepEqual(ids(await get(`/api/jobs?project_id=${a.projectId}`)), [parentJob, subJob]);
    assert.deepEqual(ids(await get(`/api/jobs?task_id=${b.taskId}`)), [cronJob]);
    assert.deepEqual(ids(await get('/api/jobs?trigger_kind=button')), [parentJob]);
    assert.deepEqual(ids(await get('/api/jobs?trigger_kind=cron')), [cronJob]);
    assert.deepEqual(ids(await get(`/api/jobs?trigger_kind=cron&trigger_id=${b.triggerId}`)), [cronJob]);
  });

  test('from and to', async () => {
    assert.deepEqual(ids(await get(`/api/jobs?from=${encodeURIComponent(between)}`)), [cronJob]);
    assert.deepEqual(ids(await get(`/api/jobs?to=${encodeURIComponent(between)}`)), [parentJob, subJob]);
    assert.deepEqual(ids(await get(`/api/jobs?from=2000-01-01T00:00:00Z&to=${encodeURIComponent(between)}`)), [parentJob, subJob]);
  });

  test('parent_job_id, top_level, state (repeated or comma-separated), pages by cursor', async () => {
    assert.deepEqual(ids(await get(`/api/jobs?parent_job_id=${parentJob}`)), [subJob]);
    assert.deepEqual(ids(await get('/api/jobs?top_level=true')), [parentJob, cronJob]);
    assert.deepEqual(ids(await get('/api/jobs?state=done_warning')), [parentJob]);
    assert.deepEqual(ids(await get('/api/jobs?state=done&state=done_warning')), [parentJob, subJob, cronJob]);
    assert.deepEqual(ids(await get('/api/jobs?state=done,done_warning')), [parentJob, subJob, cronJob]);
    const newestFirst = (await get('/api/jobs')).items.map((job: { id: number }) => job.id);
    const first = await get('/api/jobs?limit=1');
    assert.deepEqual(ids(first), [newestFirst[0]]);
    const page = await get(`/api/jobs?limit=1&cursor=${first.next_cursor}`);
    assert.equal(page.items.length, 1);
    assert.equal(page.total, 3);
    assert.equal(page.items[0].id, subJob, 'newest first, second page');
    const last = await get(`/api/jobs?limit=1&cursor=${page.next_cursor}`);
    assert.deepEqual(ids(last), [newestFirst[2]]);
    assert.equal(last.next_cursor, null, 'no cursor after the last page');
    assert.equal((await get('/api/jobs?limit=3')).next_cursor, null);
  });

  test('duration_ms is a number', async () => {
    const [job] = (await get(`/api/jobs?task_id=${b.taskId}`)).items;
    assert.equal(typeof job.duration_ms, 'number');
    assert.ok(job.duration_ms >= 0);
  });
});

describe('log filters over HTTP', () => {
  const messages = (body: { items: { message: string }[] }) => body.items.map((l) => l.message);

  test('project_id, task_id, trigger_kind, trigger_id, job_id', async () => {
    assert.ok(messages(await get(`/api/logs?project_id=${b.projectId}`)).includes('cron ran'));
    assert.ok(!messages(await get(`/api/logs?project_id=${a.projectId}`)).includes('cron ran'));
    assert.ok(messages(await get(`/api/logs?task_id=${b.taskId}`)).includes('cron ran'));
    assert.ok(messages(await get('/api/logs?trigger_kind=button')).includes('warned'));
    assert.ok(!messages(await get('/api/logs?trigger_kind=button')).includes('cron ran'));
    assert.ok(messages(await get(`/api/logs?trigger_kind=cron&trigger_id=${b.triggerId}`)).includes('cron ran'));
    const ofSub = await get(`/api/logs?job_id=${subJob}`);
    assert.ok(ofSub.items.every((l: { job_id: number }) => l.job_id === subJob));
    assert.ok(ofSub.total > 0);
  });

  test('from and to', async () => {
    const later = messages(await get(`/api/logs?from=${encodeURIComponent(between)}`));
    assert.ok(later.includes('cron ran') && !later.includes('warned'));
    const earlier = messages(await get(`/api/logs?to=${encodeURIComponent(between)}`));
    assert.ok(earlier.includes('warned') && !earlier.includes('cron ran'));
  });

  test('level, type and state, repeated or comma-separated; after_id; pages by cursor', async () => {
    assert.deepEqual(messages(await get(`/api/logs?project_id=${a.projectId}&level=warning`)), ['warned']);
    assert.deepEqual(messages(await get(`/api/logs?job_id=${parentJob}&level=warning,error`)), ['warned']);
    assert.deepEqual(messages(await get(`/api/logs?job_id=${parentJob}&level=warning&level=critical`)), ['warned']);
    const out = await get(`/api/logs?project_id=${a.projectId}&type=data_out`);
    assert.equal(out.total, 1);
    assert.equal(out.items[0].job_id, subJob);
    assert.ok(messages(await get('/api/logs?state=done_warning')).includes('warned'));
    assert.ok(!messages(await get('/api/logs?state=done,failed')).includes('warned'));
    const all = await get(`/api/logs?job_id=${cronJob}`);
    const firstId = Math.min(...all.items.map((l: { id: number }) => l.id));
    const after = await get(`/api/logs?job_id=${cronJob}&after_id=${firstId}`);
    assert.equal(after.total, all.total - 1);
    assert.ok(after.items.every((l: { id: number }) => l.id > firstId));
    const first = await get(`/api/logs?job_id=${cronJob}&limit=1`);
    const page = await get(`/api/logs?job_id=${cronJob}&limit=1&cursor=${first.next_cursor}`);
    assert.equal(page.items.length, 1);
    assert.equal(page.total, all.total);
    assert.ok(page.items[0].id < first.items[0].id, 'newest first');
    const forward = await get(`/api/logs?job_id=${cronJob}&after_id=0&limit=1`);
    const next = await get(`/api/logs?job_id=${cronJob}&after_id=0&limit=1&cursor=${forward.next_cursor}`);
    assert.ok(next.items[0].id > forward.items[0].id, 'oldest first when following with after_id');
  });
});

describe('log counts over HTTP', () => {
  const dimensions = ['project_id', 'task_id', 'trigger_kind', 'trigger_id', 'job_id', 'level', 'type', 'state'];
  for (const dimension of dimensions) {
    test(`grouped by ${dimension}`, async () => {
      const counts = await get(`/api/logs/counts?group_by=${dimension}`);
      assert.deepEqual(counts.group_by, [dimension]);
      const total = (await get('/api/logs?limit=1')).total;
      assert.equal(
        counts.groups.reduce((sum: number, g: { count: number }) => sum + g.count, 0),
        total,
        'every line is in one group',
      );
      for (const group of counts.groups) assert.deepEqual(Object.keys(group).sort(), ['count', dimension].sort());
    });
  }

  test('group_by=a,b and repeated keys give the same groups; filters apply', async () => {
    const comma = await get(`/api/logs/counts?group_by=job_id,level&project_id=${a.projectId}`);
    const repeated = await get(`/api/logs/counts?group_by=job_id&group_by=level&project_id=${a.projectId}`);
    assert.deepEqual(comma, repeated);
    assert.deepEqual(comma.group_by, ['job_id', 'level']);
    const warning = comma.groups.find((g: { level: string }) => g.level === 'warning');
    assert.deepEqual(warning, { job_id: parentJob, level: 'warning', count: 1 });
    assert.ok(comma.groups.every((g: { job_id: number }) => g.job_id === parentJob || g.job_id === subJob));
    const ofCron = await get(`/api/logs/counts?trigger_kind=cron&from=${encodeURIComponent(between)}&group_by=type`);
    assert.deepEqual(ofCron.groups, [{ type: 'server', count: (await get(`/api/logs?job_id=${cronJob}`)).total }]);
  });
});

describe('bad filter values get a message naming the field and what it accepts', () => {
  const cases: [string, string, RegExp][] = [
    ['/api/jobs?state=finished', 'state', /expected one of "pending", "started", "done", "done_warning", "failed", got "finished"/],
    ['/api/logs?state=finished', 'state', /expected one of "pending", .*"failed"/],
    ['/api/logs/counts?group_by=colour', 'group_by', /expected one of "project_id", "task_id", .*"state", got "colour"/],
    ['/api/logs/counts?group_by=level,colour', 'group_by', /got "colour"/],
    ['/api/jobs?trigger_kind=email', 'trigger_kind', /expected one of "cron", "db", "webhook", "button", got "email"/],
    ['/api/logs?level=loud', 'level', /expected one of "debug", "info", "warning", "error", "critical"/],
    ['/api/jobs?limit=abc', 'limit', /expected a whole number, got "abc"/],
    ['/api/logs?offset=100', 'offset', /unknown field "offset"/],
    ['/api/jobs?cursor=bm9wZQ', 'cursor', /not a cursor of this list/],
    ['/api/jobs?limit=5000', 'limit', /1000/],
    ['/api/jobs?from=yesterday', 'from', /expected an ISO 8601 time .*got "yesterday"/],
    ['/api/jobs?project_id=1&project_id=2', 'project_id', /string/],
  ];
  for (const [path, field, message] of cases) {
    test(path, async () => {
      const res = await s.call('user', 'GET', path);
      assert.equal(res.status, 400);
      assert.equal(res.body.error.field, field);
      assert.match(res.body.error.message, message);
      assert.doesNotMatch(res.body.error.message, /NaN|Invalid input$/);
    });
  }
});
