/** Task code talking to Odoo (the double) through env, end to end; Odoo faults and outages reach the job log. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createJsonRpcClient } from '../../server/src/odoo/index.js';
import { adminPassword, startOdooDouble, type OdooDouble } from '../odoo-double/index.js';
import { createTestStack, logsOf, type TestStack } from '../helpers/runtime.js';

let odoo: OdooDouble;
let s: TestStack;
before(async () => {
  odoo = await startOdooDouble({ databases: ['odoo'] });
  s = await createTestStack({ env: { ODOO_URL: odoo.url, ODOO_DB: 'odoo', ODOO_USER: 'admin', ODOO_PASSWORD: adminPassword } });
});
after(async () => {
  await s.close();
  await odoo.stop();
});

const run = async (code: string) => {
  const { triggerId } = await s.project(code);
  return (await s.call('developer', 'POST', `/api/triggers/button/${triggerId}/run`, { wait: true })).body;
};

describe('env in task code', () => {
  test('creates, searches and reads partners; links a record', async () => {
    const outcome = await run(`async function handle_button() {
      const created = await env['res.partner'].create([{ name: 'Ada', email: 'ada@example.com' }, { name: 'Bob' }]);
      const found = await env['res.partner'].search([['name', 'in', ['Ada', 'Bob']]], { order: 'name' });
      await found.read(['name', 'email']);
      const ada = [...found][0];
      await ada.set_link('crm', 'C-1');
      const link = await get_link('crm', 'C-1');
      return { created: created.length, names: [...found].map((r) => r.name), email: ada.email, linked: link.odoo.ids[0] === ada.id };
    }`);
    assert.equal(outcome.state, 'done', JSON.stringify(outcome.error));
    assert.deepEqual(outcome.result, { created: 2, names: ['Ada', 'Bob'], email: 'ada@example.com', linked: true });
  });

  test("task code may pass field lists positionally, as Odoo's JSON-RPC takes them", async () => {
    const outcome = await run(`async function handle_button() {
      const rows = await env['res.partner'].search_read([['id', '=', 1]], ['name']);
      const read = await env['res.partner'].read([1], ['name']);
      return { rows, read };
    }`);
    assert.equal(outcome.state, 'done', JSON.stringify(outcome.error));
    assert.deepEqual(outcome.result, { rows: [{ id: 1, name: 'YourCompany' }], read: [{ id: 1, name: 'YourCompany' }] });
  });

  test("an Odoo error reaches task code as a typed error with Odoo's message", async () => {
    const outcome = await run(`async function handle_button() {
      try { await env['res.partner'].create({ no_such_field: 1 }); } catch (e) { return e.name + ': ' + e.message; }
    }`);
    assert.equal(outcome.state, 'done');
    assert.match(outcome.result, /Invalid field 'no_such_field' on model 'res.partner'/);
  });

  test('an unknown model fails the job with a log line naming it', async () => {
    const outcome = await run(`async function handle_button() { await env['no.such.model'].search([]); }`);
    assert.equal(outcome.state, 'failed');
    const lines = await logsOf(s, outcome.job_id);
    assert.ok(lines.some((l) => /no\.such\.model/.test(l.message)));
  });
});

test("env refuses the models holding Odoo's own secrets, naming the setting that allows them", async () => {
  const outcome = await run(`async function handle_button() {
    const refused = [];
    for (const model of ['ir.config_parameter', 'res.users.apikeys', 'ir.actions.server']) {
      try { await env[model].search_read([], { fields: ['id'] }); } catch (e) { refused.push(e.name + ': ' + e.message); }
    }
    try { await env['res.partner'].call('search_count', [[]]); } catch (e) { refused.push('partner: ' + e.message); }
    return refused;
  }`);
  assert.equal(outcome.state, 'done', JSON.stringify(outcome.error));
  assert.equal(outcome.result.length, 3, 'ordinary models stay reachable');
  for (const [i, model] of ['ir.config_parameter', 'res.users.apikeys', 'ir.actions.server'].entries()) {
    assert.match(
      outcome.result[i],
      new RegExp(`^EnvModelRefusedError: env: the model ${model.replace(/\./g, '\\.')} holds Odoo's own secrets`),
    );
    assert.match(outcome.result[i], new RegExp(`SYNC_STUDIO_ENV_ALLOW_MODELS=${model.replace(/\./g, '\\.')}$`));
  }
});

test('SYNC_STUDIO_ENV_ALLOW_MODELS lets the named models through to Odoo', async () => {
  const allowing = await createTestStack({
    env: {
      ODOO_URL: odoo.url,
      ODOO_DB: 'odoo',
      ODOO_USER: 'admin',
      ODOO_PASSWORD: adminPassword,
      SYNC_STUDIO_ENV_ALLOW_MODELS: 'ir.config_parameter',
    },
  });
  try {
    const { triggerId } = await allowing.project(`async function handle_button() {
      const seen = [];
      for (const model of ['ir.config_parameter', 'res.users.apikeys']) {
        try { await env[model].search_count([]); seen.push(model + ' reached Odoo'); } catch (e) { seen.push(e.name); }
      }
      return seen;
    }`);
    const outcome = (await allowing.call('developer', 'POST', `/api/triggers/button/${triggerId}/run`, { wait: true })).body;
    // The Odoo double has no ir.config_parameter table: whatever Odoo answers, the call got there.
    assert.notEqual(outcome.result[0], 'EnvModelRefusedError');
    assert.equal(outcome.result[1], 'EnvModelRefusedError');
  } finally {
    await allowing.close();
  }
});

test('texts follow the language of the Odoo user behind the event; user names them', async () => {
  const { projectId, triggerId } = await s.project(
    `function handle_button() { return [texts.HELLO, texts.ONLY_EN, user.name, env.context.lang]; }`,
  );
  await s.store.create('text', projectId, { key: 'HELLO', value: { en_US: 'Hello', fr_FR: 'Bonjour' } });
  await s.store.create('text', projectId, { key: 'ONLY_EN', value: { en_US: 'English only' } });
  const client = createJsonRpcClient({ url: odoo.url, db: 'odoo', login: 'admin', password: adminPassword });
  try {
    const partnerId = await client.executeKw<number>('res.partner', 'create', [{ name: 'Camille', lang: 'fr_FR' }]);
    const uid = await client.executeKw<number>('res.users', 'create', [{ login: 'camille', partner_id: partnerId }]);
    const outcome = await s.runtime.runNow({ trigger: { kind: 'button', id: triggerId }, args: [], odooUserId: uid });
    assert.deepEqual(outcome.result, ['Bonjour', 'English only', 'Camille', 'fr_FR']);
  } finally {
    client.close();
  }
});

test('env.ref works for a technical user without Access Rights; an unknown external id is an EnvError', async () => {
  await odoo.addUser('odoo', { login: 'technical', password: 'technical-secret' });
  const technical = await createTestStack({
    env: { ODOO_URL: odoo.url, ODOO_DB: 'odoo', ODOO_USER: 'technical', ODOO_PASSWORD: 'technical-secret' },
  });
  try {
    const { triggerId } = await technical.project(`async function handle_button() {
      const admin = await env.ref('base.user_admin');
      try { await env.ref('base.nope'); } catch (e) { return [admin.model, admin.id, e.name + ': ' + e.message]; }
    }`);
    const outcome = (await technical.call('developer', 'POST', `/api/triggers/button/${triggerId}/run`, { wait: true })).body;
    assert.equal(outcome.state, 'done', JSON.stringify(outcome.error));
    assert.deepEqual(outcome.result, ['res.users', 2, 'EnvError: External ID not found in the system: base.nope']);
  } finally {
    await technical.close();
  }
});

test('Odoo unreachable: the job fails with a message naming the URL, and the sidecar carries on', async () => {
  const down = await createTestStack({ env: { ODOO_URL: 'http://127.0.0.1:9', ODOO_DB: 'odoo', ODOO_USER: 'admin', ODOO_PASSWORD: 'x' } });
  try {
    const { triggerId } = await down.project(`async function handle_button() { await env['res.partner'].search_count([]); }`);
    const outcome = (await down.call('developer', 'POST', `/api/triggers/button/${triggerId}/run`, { wait: true })).body;
    assert.equal(outcome.state, 'failed');
    assert.match(outcome.error.message, /127\.0\.0\.1:9/);
    const lines = await logsOf(down, outcome.job_id);
    assert.ok(lines.some((l) => l.level === 'critical' && /ECONNREFUSED|refused/i.test(l.message)));
    const again = (await down.call('developer', 'POST', `/api/triggers/button/${triggerId}/run`, { wait: true })).body;
    assert.equal(again.state, 'failed', 'still answering');
  } finally {
    await down.close();
  }
});

test('without Odoo settings, env explains what to configure', async () => {
  const bare = await createTestStack();
  try {
    const { triggerId } = await bare.project(`async function handle_button() { await env['res.partner'].search([]); }`);
    const outcome = (await bare.call('developer', 'POST', `/api/triggers/button/${triggerId}/run`, { wait: true })).body;
    assert.equal(outcome.state, 'failed');
    assert.match(outcome.error.message, /ODOO_URL/);
  } finally {
    await bare.close();
  }
});
