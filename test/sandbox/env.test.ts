/**
 * env over the Odoo double through the real JSON-RPC client; a counting `execute` wrapper checks
 * how many Odoo calls each operation costs and what context they carry.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { adminPassword, startOdooDouble, type OdooDouble } from '../odoo-double/index.js';
import { createJsonRpcClient, UserError, type OdooClient } from '../../server/src/odoo/index.js';
import {
  createEnv,
  decodeRecordSets,
  encodeRecordSets,
  EnvError,
  RecordSet,
  type Env,
  type RecordLinks,
} from '../../server/src/sandbox/endowments/env/index.js';

interface Call {
  model: string;
  method: string;
  kwargs: Record<string, unknown>;
}

describe('env record sets', () => {
  let double: OdooDouble;
  let odoo: OdooClient;
  let env: Env;
  const calls: Call[] = [];
  const context = { lang: 'fr_FR', tz: 'Europe/Paris' };

  const callsDuring = async (work: () => Promise<unknown>): Promise<Call[]> => {
    const start = calls.length;
    await work();
    return calls.slice(start);
  };

  before(async () => {
    double = await startOdooDouble({ databases: ['odoo'] });
    odoo = createJsonRpcClient({ url: double.url, db: 'odoo', login: 'admin', password: adminPassword });
    env = createEnv({
      context,
      execute: (model, method, args, kwargs) => {
        calls.push({ model, method, kwargs });
        return odoo.executeKw(model, method, args, kwargs);
      },
    });
  });

  after(async () => {
    odoo.close();
    await double.stop();
  });

  test('reading 5 fields over 1,000 records is exactly one call, and every value reads as a property', async () => {
    const partners = env['res.partner']!;
    const records = await partners.create(
      Array.from({ length: 1000 }, (_, i) => ({ name: `bulk ${i}`, city: `City ${i % 7}`, email: `b${i}@example.com` })),
    );
    assert.equal(records.length, 1000);
    const fields = ['name', 'city', 'email', 'parent_id', 'create_date'];
    const during = await callsDuring(() => records.read(fields));
    assert.deepEqual(
      during.map((c) => c.method),
      ['read'],
    );
    const values = records.map((r) => [r.name, r.city, r.email, r.parent_id]);
    assert.deepEqual(values[999], ['bulk 999', 'City 5', 'b999@example.com', false]);
    assert.equal(values.length, 1000);
  });

  test('search with fields loads values in the same single call (search_read)', async () => {
    const during = await callsDuring(async () => {
      const found = await env['res.partner']!.search([['name', '=like', 'bulk 1%']], { fields: ['name', 'city'], limit: 3, order: 'id' });
      assert.deepEqual(
        found.map((r) => r.name),
        ['bulk 1', 'bulk 10', 'bulk 11'],
      );
    });
    assert.deepEqual(
      during.map((c) => c.method),
      ['search_read'],
    );
  });

  test('a field that was not loaded raises an error naming the field, the model and how to load it', async () => {
    const [record] = await env['res.partner']!.search([['name', '=', 'bulk 3']], { fields: ['name'] });
    assert.throws(
      () => record!.phone,
      (error: unknown) => {
        assert.ok(error instanceof EnvError);
        assert.match(error.message, /Field 'phone' of model res\.partner is not loaded .*await records\.read\(\['phone'\]\)/);
        return true;
      },
    );
    await record!.read(['phone']);
    assert.equal(record!.phone, false);
  });

  test('ids, length, id, iteration, union, concat, filter and map', async () => {
    const partners = env['res.partner']!;
    const a = partners.browse([1, 2]);
    const b = partners.browse([2, 3]);
    assert.ok(Object.isFrozen(a.ids));
    assert.deepEqual(a.union(b).ids, [1, 2, 3]);
    assert.deepEqual(a.concat(b).ids, [1, 2, 2, 3]);
    assert.deepEqual(
      [...a].map((r) => r.id),
      [1, 2],
    );
    assert.throws(() => a.id, /Expected singleton: res\.partner\(1, 2\)/);
    assert.throws(() => a.union(env['res.users']!.browse([2])), EnvError);
    await a.union(b).read(['name']);
    assert.deepEqual(a.union(b).filter((r) => r.name !== 'OdooBot').ids, [1, 3]);
    assert.deepEqual(
      b.map((r) => r.name),
      ['OdooBot', 'Administrator'],
    );
    assert.equal(String(b), 'res.partner(2, 3)');
    assert.deepEqual(JSON.parse(JSON.stringify(b)), { model: 'res.partner', ids: [2, 3] });
    assert.equal(await Promise.resolve(b), b);
  });

  test('record sets as Odoo users write them: records[0], mapped, filtered, sorted, ensure_one, exists, and a clear error for a field of several records', async () => {
    const partners = env['res.partner']!;
    const created = await partners.create([
      { name: 'Zed', email: 'zed@example.com', is_company: true },
      { name: 'Amy', email: false },
      { name: 'Max', email: 'max@example.com' },
    ]);
    await created.read(['name', 'email', 'is_company']);
    assert.equal(created[0]!.name, 'Zed');
    assert.equal(created[2]!.email, 'max@example.com');
    assert.throws(() => created[3], /index 3 out of range: res\.partner\(\d+, \d+, \d+\) has 3 records/);
    assert.deepEqual(created.mapped('name'), ['Zed', 'Amy', 'Max']);
    assert.deepEqual(
      created.mapped((r) => String(r.name).length),
      [3, 3, 3],
    );
    assert.deepEqual(created.filtered('email').mapped('name'), ['Zed', 'Max']);
    assert.deepEqual(created.filtered((r) => !r.is_company).mapped('name'), ['Amy', 'Max']);
    assert.deepEqual(created.sorted('name').mapped('name'), ['Amy', 'Max', 'Zed']);
    assert.deepEqual(created.sorted('name', { reverse: true }).mapped('name'), ['Zed', 'Max', 'Amy']);
    assert.deepEqual(created.sorted('email').mapped('name'), ['Amy', 'Max', 'Zed'], 'empty values first, as Odoo');
    assert.equal(created.filtered((r) => r.name === 'Amy').ensure_one().name, 'Amy');
    assert.throws(() => created.ensure_one(), new RegExp(`expected a single record, got res\\.partner\\(${created.ids.join(', ')}\\)`));
    assert.throws(() => created.name, new RegExp(`expected a single record, got res\\.partner\\(${created.ids.join(', ')}\\)`));
    assert.equal(partners.browse([]).name, false, 'a field of no record is False, as in Odoo');
    await created[1]!.unlink();
    assert.deepEqual((await created.exists()).ids, [created.ids[0], created.ids[2]]);
    await created.unlink();
  });

  test('create, write and unlink', async () => {
    const partners = env['res.partner']!;
    const one = await partners.create({ name: 'Solo' });
    assert.equal(one.length, 1);
    const many = await partners.create([{ name: 'Many 1' }, { name: 'Many 2' }]);
    const all = one.union(many);
    await all.read(['name']);
    assert.equal(await all.write({ city: 'Turku' }), true);
    assert.throws(() => one.city, EnvError, 'values loaded before a write are forgotten');
    assert.equal(await partners.search_count([['city', '=', 'Turku']]), 3);
    assert.deepEqual((await partners.read(one.ids, ['city']))[0], { id: one.id, city: 'Turku' });
    await all.unlink();
    assert.equal(await partners.search_count([['city', '=', 'Turku']]), 0);
  });

  test('search_read, fields_get and call for other methods', async () => {
    const partners = env['res.partner']!;
    assert.deepEqual(await partners.search_read([['id', '=', 1]], { fields: ['name'] }), [{ id: 1, name: 'YourCompany' }]);
    // Odoo's positional form, as its own JSON-RPC takes it: search_read(domain, fields, offset, limit, order), read(ids, fields).
    assert.deepEqual(await partners.search_read([['id', '=', 1]], ['name']), [{ id: 1, name: 'YourCompany' }]);
    const [second] = await partners.search_read([], ['name'], 0, 2, 'id desc').then((rows) => rows.slice(1));
    const byId = await partners.search_read([], { fields: ['name'], limit: 2, order: 'id desc' });
    assert.deepEqual(second, byId[1]);
    assert.deepEqual(await partners.read([1], ['name']), [{ id: 1, name: 'YourCompany' }]);
    assert.deepEqual(await partners.read(1, ['name']), [{ id: 1, name: 'YourCompany' }]);
    assert.deepEqual(await partners.fields_get(['type']).then((f) => f.parent_id), { type: 'many2one' });
    assert.deepEqual(await partners.call('name_get', [[1]]), [[1, 'YourCompany']]);
  });

  test('env.ref resolves an external id in one call, also for a user who may not read ir.model.data', async () => {
    await double.addUser('odoo', { login: 'tech', password: 'tech' });
    const tech = createJsonRpcClient({ url: double.url, db: 'odoo', login: 'tech', password: 'tech' });
    try {
      const techEnv = createEnv({ context, execute: (model, method, args, kwargs) => tech.executeKw(model, method, args, kwargs) });
      for (const someEnv of [env, techEnv]) {
        const admin = await someEnv.ref('base.user_admin');
        assert.equal(admin.model, 'res.users');
        assert.equal(admin.id, 2);
        // Archived records resolve too, as with Odoo's own env.ref.
        assert.equal((await someEnv.ref('base.public_user')).model, 'res.users');
        await assert.rejects(
          someEnv.ref('base.no_such_record'),
          (error: unknown) => error instanceof EnvError && error.message === 'External ID not found in the system: base.no_such_record',
        );
      }
      await assert.rejects(env.ref('user_admin'), (error: unknown) => error instanceof EnvError && /module\.name/.test(error.message));
      assert.equal((await callsDuring(() => env.ref('base.user_admin'))).length, 1);
    } finally {
      tech.close();
    }
  });

  test('the context goes with every call; with_context adds to it', async () => {
    assert.deepEqual(env.context, context);
    assert.ok(calls.length > 5);
    for (const call of calls) {
      // env.ref adds active_test=False (archived records have external ids too), and so does the search of
      // records.exists() (archived records exist); every other call carries exactly the env's context.
      const existsSearch = call.method === 'search' && (call.kwargs.context as Record<string, unknown>).active_test === false;
      const expected = call.method === 'check_object_reference' || existsSearch ? { ...context, active_test: false } : context;
      assert.deepEqual(call.kwargs.context, expected, `${call.model}.${call.method}`);
    }
    const partners = env['res.partner']!;
    const archived = await partners.create({ name: 'Archived', active: false });
    assert.equal((await partners.search([['id', '=', archived.id]])).length, 0);
    const all = env.with_context({ active_test: false });
    assert.deepEqual((await all['res.partner']!.search([['id', '=', archived.id]])).ids, [archived.id]);
    assert.deepEqual(calls.at(-1)!.kwargs.context, { ...context, active_test: false });
  });

  test("Odoo's typed errors propagate", async () => {
    await assert.rejects(
      env['no.such.model']!.search([]),
      (error: unknown) => error instanceof UserError && error.message === "Object no.such.model doesn't exist",
    );
  });

  test('record sets round-trip through JSON', () => {
    const value = { partner: env['res.partner']!.browse([3, 1]), list: [env['res.users']!.browse(2), 'text', 4], nested: { none: null } };
    const wire = JSON.parse(JSON.stringify(encodeRecordSets(value))) as unknown;
    assert.deepEqual(wire, {
      partner: { __recordset__: { model: 'res.partner', ids: [3, 1] } },
      list: [{ __recordset__: { model: 'res.users', ids: [2] } }, 'text', 4],
      nested: { none: null },
    });
    const back = decodeRecordSets(wire, env) as { partner: RecordSet; list: [RecordSet, string, number] };
    assert.ok(back.partner instanceof RecordSet);
    assert.deepEqual(back.partner.toJSON(), { model: 'res.partner', ids: [3, 1] });
    assert.equal(back.list[0].model, 'res.users');
    assert.deepEqual(back.list.slice(1), ['text', 4]);
  });

  test('set_link and search_links go to the links given late; without links they say so', async () => {
    const seen: unknown[][] = [];
    const links: RecordLinks = {
      set_link: async (records, relation, ref, options) => seen.push(['set', records.toJSON(), relation, ref, options]),
      search_links: async (records, relation, refs) => seen.push(['search', records.toJSON(), relation, refs]),
    };
    const linked = createEnv({ execute: () => Promise.resolve([]), links: () => links });
    const records = linked['res.partner']!.browse([7]);
    await records.set_link('github_issue', 42, { sync_date: '2024-01-01 00:00:00' });
    await records.search_links('github_issue');
    assert.deepEqual(seen, [
      ['set', { model: 'res.partner', ids: [7] }, 'github_issue', 42, { sync_date: '2024-01-01 00:00:00' }],
      ['search', { model: 'res.partner', ids: [7] }, 'github_issue', undefined],
    ]);
    assert.throws(() => env['res.partner']!.browse([7]).set_link('x', 1), /links are not available/);
  });
});
