/** The role × action matrix over the project API, and secret values invisible to users and developers. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Role } from '../../server/src/auth/index.js';
import { createTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
let projectId: number;
let taskId: number;
const SECRET_VALUE = 'sk_live_super_secret_value_42';

before(async () => {
  t = await createTestApp();
  const project = await t.call('administrator', 'POST', '/api/projects', { name: 'Roles' });
  projectId = project.body.id;
  const task = await t.call('administrator', 'POST', `/api/projects/${projectId}/tasks`, {
    name: 'T',
    code: 'function handle_button() {}',
  });
  taskId = task.body.id;
  await t.call('administrator', 'POST', `/api/projects/${projectId}/secrets`, { key: 'API_KEY', value: SECRET_VALUE });
});
after(() => t.close());

const roles: Role[] = ['user', 'developer', 'administrator'];

/** action → the lowest role allowed, and how to perform it (a fresh target each time). */
const actions: Record<string, { least: Role; run: (role: Role) => Promise<{ status: number }> }> = {
  'list projects': { least: 'user', run: (r) => t.call(r, 'GET', '/api/projects') },
  'read a project': { least: 'user', run: (r) => t.call(r, 'GET', `/api/projects/${projectId}`) },
  'create a project': { least: 'administrator', run: (r) => t.call(r, 'POST', '/api/projects', { name: `by ${r}` }) },
  'duplicate a project': { least: 'administrator', run: (r) => t.call(r, 'POST', `/api/projects/${projectId}/duplicate`) },
  'update a project': { least: 'developer', run: (r) => t.call(r, 'PATCH', `/api/projects/${projectId}`, { common_code: `// ${r}` }) },
  'delete a project': {
    least: 'administrator',
    run: async (r) => {
      const created = await t.call('administrator', 'POST', '/api/projects', { name: 'doomed' });
      return t.call(r, 'DELETE', `/api/projects/${created.body.id}`);
    },
  },
  'create a task': { least: 'developer', run: (r) => t.call(r, 'POST', `/api/projects/${projectId}/tasks`, { name: `task ${r}` }) },
  'update a task': { least: 'developer', run: (r) => t.call(r, 'PATCH', `/api/tasks/${taskId}`, { code: `// ${r}` }) },
  'create a param': {
    least: 'developer',
    run: (r) => t.call(r, 'POST', `/api/projects/${projectId}/params`, { key: `P_${r}`, value: 'v' }),
  },
  'create a text': {
    least: 'developer',
    run: (r) => t.call(r, 'POST', `/api/projects/${projectId}/texts`, { key: `T_${r}`, value: { en_US: 'hi' } }),
  },
  'create a secret key without value': {
    least: 'developer',
    run: (r) => t.call(r, 'POST', `/api/projects/${projectId}/secrets`, { key: `S_${r}` }),
  },
  'create a secret with a value': {
    least: 'administrator',
    run: (r) => t.call(r, 'POST', `/api/projects/${projectId}/secrets`, { key: `SV_${r}`, value: 'x' }),
  },
  'create a secret bound to a URL': {
    least: 'administrator',
    run: (r) => t.call(r, 'POST', `/api/projects/${projectId}/secrets`, { key: `SB_${r}`, bound_url: 'https://api.example.com/' }),
  },
  'create a cron trigger': {
    least: 'developer',
    run: (r) => t.call(r, 'POST', `/api/tasks/${taskId}/triggers/cron`, { trigger_name: `CRON_${r}` }),
  },
  'create a webhook trigger': {
    least: 'developer',
    run: (r) => t.call(r, 'POST', `/api/tasks/${taskId}/triggers/webhook`, { trigger_name: `HOOK_${r}` }),
  },
  'create a button trigger': {
    least: 'developer',
    run: (r) => t.call(r, 'POST', `/api/tasks/${taskId}/triggers/button`, { trigger_name: `BTN_${r}` }),
  },
  'create a DB trigger': {
    least: 'developer',
    run: (r) => t.call(r, 'POST', `/api/tasks/${taskId}/triggers/db`, { trigger_name: `DB_${r}`, model: 'res.partner', kind: 'on_create' }),
  },
  'list tasks': { least: 'user', run: (r) => t.call(r, 'GET', `/api/projects/${projectId}/tasks`) },
  "list a project's triggers": { least: 'user', run: (r) => t.call(r, 'GET', `/api/projects/${projectId}/triggers`) },
};

describe('role × action matrix', () => {
  for (const [name, action] of Object.entries(actions)) {
    for (const role of roles) {
      const allowed = roles.indexOf(role) >= roles.indexOf(action.least);
      test(`${role} ${allowed ? 'may' : 'may not'} ${name}`, async () => {
        const { status } = await action.run(role);
        if (allowed) assert.ok(status >= 200 && status < 300, `expected success, got ${status}`);
        else assert.equal(status, 403);
      });
    }
  }

  test('no token, a forged token or an expired token is refused with 401', async () => {
    assert.equal((await t.call(null, 'GET', '/api/projects')).status, 401);
    const forged = await t.app.request('/api/projects', { headers: { authorization: `Bearer ${t.tokens.user.slice(0, -2)}xx` } });
    assert.equal(forged.status, 401);
    const body = (await forged.json()) as { error: { code: string } };
    assert.equal(body.error.code, 'unauthorized');
  });

  test('a forbidden call says which role it needs', async () => {
    const { body } = await t.call('user', 'POST', '/api/projects', { name: 'x' });
    assert.equal(body.error.code, 'forbidden');
    assert.match(body.error.message, /administrator/);
  });
});

describe('secret values', () => {
  const collect = async (role: Role) =>
    JSON.stringify([
      await t.call(role, 'GET', `/api/projects/${projectId}/secrets`),
      await t.call(role, 'GET', `/api/projects/${projectId}`),
      await t.call(role, 'GET', '/api/projects'),
    ]);

  for (const role of ['user', 'developer'] as const) {
    test(`${role} sees the secret key but never its value, in any response`, async () => {
      const all = await collect(role);
      assert.ok(all.includes('API_KEY'));
      assert.ok(!all.includes(SECRET_VALUE), 'the value leaked');
      const list = await t.call(role, 'GET', `/api/projects/${projectId}/secrets`);
      const secret = list.body.items.find((s: { key: string }) => s.key === 'API_KEY');
      assert.equal(secret.has_value, true);
      assert.equal('value' in secret, false);
      assert.equal('value_encrypted' in secret, false);
      const one = await t.call(role, 'GET', `/api/secrets/${secret.id}`);
      assert.ok(!JSON.stringify(one.body).includes(SECRET_VALUE));
    });
  }

  test('a developer cannot overwrite a secret value', async () => {
    const list = await t.call('developer', 'GET', `/api/projects/${projectId}/secrets`);
    const secret = list.body.items.find((s: { key: string }) => s.key === 'API_KEY');
    const { status, body } = await t.call('developer', 'PATCH', `/api/secrets/${secret.id}`, { value: 'hijacked' });
    assert.equal(status, 403);
    assert.equal(body.error.field, 'value');
    const admin = await t.call('administrator', 'GET', `/api/secrets/${secret.id}`);
    assert.equal(admin.body.value, SECRET_VALUE);
  });

  test('a developer cannot re-bind a secret to another URL (its handles would then be sent there)', async () => {
    const list = await t.call('developer', 'GET', `/api/projects/${projectId}/secrets`);
    const secret = list.body.items.find((s: { key: string }) => s.key === 'API_KEY');
    const bound = await t.call('administrator', 'PATCH', `/api/secrets/${secret.id}`, { bound_url: 'https://api.example.com/v1/' });
    assert.equal(bound.status, 200);
    const { status, body } = await t.call('developer', 'PATCH', `/api/secrets/${secret.id}`, { bound_url: 'https://attacker.example/' });
    assert.equal(status, 403);
    assert.equal(body.error.field, 'bound_url');
    const unbind = await t.call('developer', 'PATCH', `/api/secrets/${secret.id}`, { bound_url: null });
    assert.equal(unbind.status, 403);
    assert.equal((await t.call('administrator', 'GET', `/api/secrets/${secret.id}`)).body.bound_url, 'https://api.example.com/v1/');
  });

  test('the value is stored encrypted, not in clear text', async () => {
    const { rows } = await t.db.pool.query<{ value_encrypted: string }>(
      `select value_encrypted from sync_studio.project_secret where key = 'API_KEY'`,
    );
    assert.ok(rows[0]!.value_encrypted.length > 0);
    assert.ok(!rows[0]!.value_encrypted.includes(SECRET_VALUE));
    assert.ok(!Buffer.from(rows[0]!.value_encrypted, 'base64').toString('latin1').includes(SECRET_VALUE));
  });
});
