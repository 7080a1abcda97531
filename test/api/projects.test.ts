/** The project API's behaviour: validation errors naming the field, pagination, archiving, duplication. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
before(async () => {
  t = await createTestApp();
});
after(() => t.close());

const admin = (method: string, path: string, body?: unknown) => t.call('administrator', method, path, body);

describe('bad input gets a 400 naming the field', () => {
  const cases: [string, string, string, unknown, string][] = [
    ['unknown field', 'POST', '/api/projects', { name: 'x', colour: 'red' }, 'colour'],
    ['wrong type', 'POST', '/api/projects', { name: 42 }, 'name'],
    ['missing required field', 'POST', '/api/projects', {}, 'name'],
    ['over-long string', 'POST', '/api/projects', { name: 'x'.repeat(201) }, 'name'],
    ['wrong type in a list', 'POST', '/api/projects', { name: 'x', eval_contexts: [1] }, 'eval_contexts.0'],
  ];
  for (const [label, method, path, body, field] of cases) {
    test(label, async () => {
      const res = await admin(method, path, body);
      assert.equal(res.status, 400);
      assert.equal(res.body.error.code, 'invalid_input');
      assert.equal(res.body.error.field, field);
      assert.match(res.body.error.message, new RegExp(field.replace('.', '\\.')));
    });
  }

  test('trigger fields are validated: interval type, model name, nextcall, trigger name', async () => {
    const project = await admin('POST', '/api/projects', { name: 'validation' });
    const task = await admin('POST', `/api/projects/${project.body.id}/tasks`, { name: 'T' });
    const tries: [string, unknown, string][] = [
      ['cron', { trigger_name: 'C', interval_type: 'fortnights' }, 'interval_type'],
      ['cron', { trigger_name: 'C', nextcall: 'tomorrow' }, 'nextcall'],
      ['cron', { trigger_name: 'bad name!' }, 'trigger_name'],
      ['db', { trigger_name: 'D', model: 'Res Partner', kind: 'on_create' }, 'model'],
      ['db', { trigger_name: 'D', model: 'res.partner', kind: 'on_change' }, 'kind'],
      ['webhook', { trigger_name: 'W', path: '00000000-0000-0000-0000-000000000000' }, 'path'],
    ];
    for (const [kind, body, field] of tries) {
      const res = await admin('POST', `/api/tasks/${task.body.id}/triggers/${kind}`, body);
      assert.equal(res.status, 400, `${kind} ${JSON.stringify(body)}`);
      assert.equal(res.body.error.field, field);
    }
  });

  test('a body that is not JSON, an id that is not a number, and an unknown route', async () => {
    const notJson = await admin('POST', '/api/projects', '{"name": ');
    assert.equal(notJson.status, 400);
    assert.match(notJson.body.error.message, /not valid JSON/);
    const badId = await admin('GET', '/api/projects/abc');
    assert.equal(badId.status, 400);
    assert.equal(badId.body.error.field, 'id');
    const missing = await admin('GET', '/api/projects/999999');
    assert.equal(missing.status, 404);
    assert.match(missing.body.error.message, /project 999999 does not exist/);
    const unknownKind = await admin('GET', '/api/triggers/sms/1');
    assert.equal(unknownKind.status, 404);
  });

  test('a body over the API limit gets 413', async () => {
    const res = await admin('POST', '/api/projects', { name: 'big', common_code: 'x'.repeat(6 * 1024 * 1024) });
    assert.equal(res.status, 413);
    assert.equal(res.body.error.code, 'payload_too_large');
  });

  test('pagination parameters are validated', async () => {
    const res = await admin('GET', '/api/projects?limit=0');
    assert.equal(res.status, 400);
    assert.equal(res.body.error.field, 'limit');
  });
});

describe('projects', () => {
  test('a new project starts archived, and lists are paginated with a total', async () => {
    const created = await admin('POST', '/api/projects', { name: 'Archived by default', active: undefined });
    assert.equal(created.status, 201);
    assert.equal(created.body.active, false);
    for (let i = 0; i < 4; i++) await admin('POST', '/api/projects', { name: `page ${i}` });
    const first = await admin('GET', '/api/projects?limit=2');
    const page = await admin('GET', `/api/projects?limit=2&cursor=${first.body.next_cursor}`);
    assert.equal(page.body.items.length, 2);
    assert.equal(page.body.limit, 2);
    assert.ok(page.body.total >= 5);
    const seen = new Set([...first.body.items, ...page.body.items].map((p: { id: number }) => p.id));
    assert.equal(seen.size, 4, 'the second page continues after the first, by name');
    assert.equal((await admin('GET', '/api/projects?offset=2')).status, 400, 'offsets are not accepted');
    const tasks = await admin('GET', `/api/projects/${created.body.id}/tasks?limit=1`);
    assert.equal(tasks.body.next_cursor, null);
  });

  test('two triggers of one kind cannot share a trigger name within a project', async () => {
    const project = await admin('POST', '/api/projects', { name: 'names' });
    const a = await admin('POST', `/api/projects/${project.body.id}/tasks`, { name: 'A' });
    const b = await admin('POST', `/api/projects/${project.body.id}/tasks`, { name: 'B' });
    assert.equal((await admin('POST', `/api/tasks/${a.body.id}/triggers/button`, { trigger_name: 'GO' })).status, 201);
    const clash = await admin('POST', `/api/tasks/${b.body.id}/triggers/button`, { trigger_name: 'GO' });
    assert.equal(clash.status, 409);
    assert.equal(clash.body.error.field, 'trigger_name');
    const param = await admin('POST', `/api/projects/${project.body.id}/params`, { key: 'K', value: '1' });
    assert.equal(param.status, 201);
    const dup = await admin('POST', `/api/projects/${project.body.id}/params`, { key: 'K', value: '2' });
    assert.equal(dup.status, 409);
    assert.equal(dup.body.error.field, 'key');
  });

  test("a project's triggers of every kind in one call, each with its trigger_kind and task name", async () => {
    const project = await admin('POST', '/api/projects', { name: 'all triggers' });
    const a = await admin('POST', `/api/projects/${project.body.id}/tasks`, { name: 'Alpha' });
    const b = await admin('POST', `/api/projects/${project.body.id}/tasks`, { name: 'Beta' });
    await admin('POST', `/api/tasks/${b.body.id}/triggers/button`, { trigger_name: 'PUSH' });
    await admin('POST', `/api/tasks/${a.body.id}/triggers/button`, { trigger_name: 'PULL' });
    await admin('POST', `/api/tasks/${a.body.id}/triggers/cron`, { trigger_name: 'NIGHTLY' });
    const hook = await admin('POST', `/api/tasks/${b.body.id}/triggers/webhook`, { trigger_name: 'IN' });
    await admin('POST', `/api/tasks/${a.body.id}/triggers/db`, { trigger_name: 'ON_PARTNER', model: 'res.partner', kind: 'on_create' });
    const other = await admin('POST', '/api/projects', { name: 'other triggers' });
    const otherTask = await admin('POST', `/api/projects/${other.body.id}/tasks`, { name: 'Elsewhere' });
    await admin('POST', `/api/tasks/${otherTask.body.id}/triggers/button`, { trigger_name: 'NOT_MINE' });

    const list = await t.call('user', 'GET', `/api/projects/${project.body.id}/triggers`);
    assert.equal(list.status, 200);
    assert.deepEqual(
      list.body.items.map((x: { trigger_kind: string; trigger_name: string; task_name: string; task_id: number }) => [
        x.trigger_kind,
        x.trigger_name,
        x.task_name,
        x.task_id,
      ]),
      [
        ['cron', 'NIGHTLY', 'Alpha', a.body.id],
        ['db', 'ON_PARTNER', 'Alpha', a.body.id],
        ['webhook', 'IN', 'Beta', b.body.id],
        ['button', 'PULL', 'Alpha', a.body.id],
        ['button', 'PUSH', 'Beta', b.body.id],
      ],
    );
    assert.equal(list.body.total, 5);
    assert.deepEqual(
      list.body.items[2],
      { trigger_kind: 'webhook', ...hook.body, task_name: 'Beta' },
      'each trigger as its own route shows it',
    );
    assert.equal((await t.call('user', 'GET', '/api/projects/999999/triggers')).status, 404);
    assert.equal((await t.call(null, 'GET', `/api/projects/${project.body.id}/triggers`)).status, 401);
  });

  test('every change bumps the project version (the compiled-code cache key)', async () => {
    const project = await admin('POST', '/api/projects', { name: 'versions' });
    const v1 = project.body.version;
    const task = await admin('POST', `/api/projects/${project.body.id}/tasks`, { name: 'T' });
    await admin('PATCH', `/api/tasks/${task.body.id}`, { code: 'function handle_button() { return 1; }' });
    const after = await admin('GET', `/api/projects/${project.body.id}`);
    assert.equal(after.body.version, v1 + 2);
  });

  test('a new cron trigger runs forever by default (numbercall -1) and a webhook gets an unguessable URL', async () => {
    const project = await admin('POST', '/api/projects', { name: 'defaults' });
    const task = await admin('POST', `/api/projects/${project.body.id}/tasks`, { name: 'T' });
    const cron = await admin('POST', `/api/tasks/${task.body.id}/triggers/cron`, { trigger_name: 'NIGHTLY' });
    assert.equal(cron.body.numbercall, -1);
    const hook = await admin('POST', `/api/tasks/${task.body.id}/triggers/webhook`, { trigger_name: 'IN' });
    assert.match(hook.body.path, /^[0-9a-f-]{36}$/);
    assert.equal(hook.body.url, `http://sync.test/sync/webhook/${hook.body.path}`);
    const regenerated = await t.call('developer', 'POST', `/api/triggers/webhook/${hook.body.id}/regenerate-path`);
    assert.notEqual(regenerated.body.path, hook.body.path);
  });

  test('duplicating copies everything, archived, with new webhook paths and secret values kept', async () => {
    const project = await admin('POST', '/api/projects', { name: 'Original', active: true, common_code: 'const X = 1;' });
    const id = project.body.id;
    await admin('POST', `/api/projects/${id}/params`, { key: 'P', value: 'p' });
    await admin('POST', `/api/projects/${id}/texts`, { key: 'T', value: { en_US: 'hello', fr_FR: 'bonjour' } });
    await admin('POST', `/api/projects/${id}/secrets`, { key: 'S', value: 's3cret' });
    const task = await admin('POST', `/api/projects/${id}/tasks`, { name: 'Task', code: 'function handle_webhook() {}' });
    const hook = await admin('POST', `/api/tasks/${task.body.id}/triggers/webhook`, { trigger_name: 'HOOK' });
    await admin('POST', `/api/tasks/${task.body.id}/triggers/cron`, { trigger_name: 'CRON', interval_number: 5, interval_type: 'minutes' });

    const copy = await admin('POST', `/api/projects/${id}/duplicate`);
    assert.equal(copy.status, 201);
    assert.equal(copy.body.active, false);
    assert.equal(copy.body.name, 'Original (copy)');
    assert.equal(copy.body.common_code, 'const X = 1;');
    const texts = await admin('GET', `/api/projects/${copy.body.id}/texts`);
    assert.deepEqual(texts.body.items[0].value, { en_US: 'hello', fr_FR: 'bonjour' });
    const secrets = await admin('GET', `/api/projects/${copy.body.id}/secrets`);
    assert.equal(secrets.body.items[0].value, 's3cret');
    const tasks = await admin('GET', `/api/projects/${copy.body.id}/tasks`);
    assert.equal(tasks.body.items.length, 1);
    const hooks = await admin('GET', `/api/tasks/${tasks.body.items[0].id}/triggers/webhook`);
    assert.equal(hooks.body.items.length, 1);
    assert.notEqual(hooks.body.items[0].path, hook.body.path);
    const crons = await admin('GET', `/api/tasks/${tasks.body.items[0].id}/triggers/cron`);
    assert.equal(crons.body.items[0].interval_number, 5);
    const original = await admin('GET', `/api/projects/${id}/tasks`);
    assert.equal(original.body.items.length, 1, 'the original keeps its own task');
  });

  test('deleting a project deletes its tasks and triggers', async () => {
    const project = await admin('POST', '/api/projects', { name: 'to delete' });
    const task = await admin('POST', `/api/projects/${project.body.id}/tasks`, { name: 'T' });
    const button = await admin('POST', `/api/tasks/${task.body.id}/triggers/button`, { trigger_name: 'B' });
    assert.equal((await admin('DELETE', `/api/projects/${project.body.id}`)).status, 204);
    assert.equal((await admin('GET', `/api/tasks/${task.body.id}`)).status, 404);
    assert.equal((await admin('GET', `/api/triggers/button/${button.body.id}`)).status, 404);
  });
});
