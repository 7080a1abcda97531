/**
 * The sandbox half of links, run in plain Node: the real env (its record sets delegate
 * records.set_link / records.search_links here) and a `call` that runs each op on a real database
 * through executeLinkOp, after a structured clone as the worker boundary does. Ports upstream's
 * tests/test_links.py (its module `sync`, tests/), then the deliberate differences and the sync helpers.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { executeLinkOp } from '../../server/src/links/index.js';
import { createEnv, type RecordSet } from '../../server/src/sandbox/endowments/env/index.js';
import { createLinkFunctions, type LinkFunctions } from '../../server/src/sandbox/endowments/links.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

type LinkSet = Awaited<ReturnType<LinkFunctions['search_links']>>;
type Link = Awaited<ReturnType<LinkFunctions['set_link']>>;

let db: TestDatabase;
let fns: LinkFunctions;
let logs: string[] = [];
const env = createEnv({
  execute: async (model, method) => {
    throw new Error(`no Odoo in this test (called ${model}.${method})`);
  },
  links: () => fns.recordLinks,
});
const partners = env['res.partner']!;

before(async () => {
  db = await createTestDatabase();
  fns = createLinkFunctions({ call: (op) => executeLinkOp(db.pool, structuredClone(op)), env, log: (message) => logs.push(message) });
});
after(async () => {
  await db.drop();
});
beforeEach(() => {
  logs = [];
});

let lastId = 0;
const created: number[] = [];
/** Stands for env['res.partner'].create(...): these tests only need ids. */
function createRecord(): RecordSet {
  created.push(++lastId);
  return partners.browse([lastId]);
}
/** Stands for env['res.partner'].search([]). */
const allPartners = () => partners.browse(created);
let refCounter = 0;
const generateRef = () => `ref-${++refCounter}-${Math.random().toString(36).slice(2)}`;
const setLink = (records: RecordSet, relation: string, ref: unknown, options?: object) =>
  records.set_link(relation, ref, options) as Promise<Link>;
const searchLinks = (records: RecordSet, relation: string, refs?: unknown) => records.search_links(relation, refs) as Promise<LinkSet>;
const sameRecords = (actual: unknown, expected: RecordSet) => {
  const records = actual as RecordSet;
  assert.equal(records.model, expected.model);
  assert.deepEqual([...records.ids].sort(), [...expected.ids].sort());
};
const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000);
const asSet = (values: string[]) => new Set(values);

describe('upstream test_links: Odoo links', () => {
  const REL = 'sync_test_links_partner';
  const REL2 = 'sync_test_links_partner2';

  test('test_odoo_link', async () => {
    // empty link set: .odoo is an empty record set of the model
    const noLinks = await searchLinks(allPartners(), REL);
    assert.equal(noLinks.length, 0);
    sameRecords(noLinks.odoo, partners.browse([]));

    // set and get links
    let r = createRecord();
    let ref = generateRef();
    await setLink(r, REL, ref);
    let glink = (await fns.get_link(REL, ref))!;
    sameRecords(glink.odoo, r);
    assert.equal(glink.external, ref);
    const rlinks = await searchLinks(r, REL);
    sameRecords(rlinks.odoo, r);
    assert.deepEqual(rlinks.external, [ref]);

    let allLinks = await searchLinks(allPartners(), REL);
    assert.equal(allLinks.length, 1);
    sameRecords(allLinks.at(0)!.odoo, r);

    // update sync_date, read back exactly
    let when = daysAgo(1);
    await allLinks.update_links(when);
    glink = (await fns.get_link(REL, ref))!;
    assert.deepEqual(glink.sync_date, when);
    when = new Date();
    await glink.update_links(when);
    glink = (await fns.get_link(REL, ref))!;
    assert.deepEqual(glink.sync_date, when);

    allLinks = await searchLinks(allPartners(), REL);
    assert.equal(allLinks.length, 1);
    sameRecords(allLinks.at(0)!.odoo, r);

    // multiple links
    r = createRecord();
    ref = generateRef();
    await setLink(r, REL, ref);
    allLinks = await searchLinks(allPartners(), REL);
    assert.equal(allLinks.length, 2);
    assert.equal(allLinks.odoo!.length, 2);

    // multiple refs for the same relation and record
    r = createRecord();
    const ref1 = generateRef();
    const ref2 = generateRef();
    await setLink(r, REL, ref1);
    await assert.rejects(setLink(r, REL, ref2), { name: 'ValidationError' });
    await setLink(r, REL, ref2, { allow_many2many: true });

    // multiple records for the same relation and ref
    const r1 = createRecord();
    const r2 = createRecord();
    ref = generateRef();
    await setLink(r1, REL, ref);
    await assert.rejects(setLink(r2, REL, ref), { name: 'ValidationError' });
    await setLink(r2, REL, ref, { allow_many2many: true });

    // links of another relation name are independent
    r = createRecord();
    const other1 = generateRef();
    await setLink(r, REL, other1);
    await setLink(r, REL2, generateRef());
    assert.equal(await fns.get_link(REL2, other1), null);

    // search links by sets of references
    const [a, b, c] = [createRecord(), createRecord(), createRecord()];
    const [refA, refB, refC] = [generateRef(), generateRef(), generateRef()];
    await setLink(a, REL, refA);
    await setLink(b, REL, refB);
    await setLink(c, REL, refC);
    const abc = a.union(b, c);
    assert.equal((await searchLinks(abc, REL, [refA, refB])).length, 2);
    assert.equal((await searchLinks(abc, REL, [refA, refB, refC])).length, 3);
    assert.equal((await searchLinks(a.union(b), REL, [refA, refB, refC])).length, 2);

    // many links
    allLinks = await searchLinks(allPartners(), REL);
    assert.notEqual(allLinks.length, 1);
    assert.notEqual(allLinks.odoo!.length, 1);
    assert.ok(Array.isArray(allLinks.odoo!.ids));
    assert.ok(Array.isArray(allLinks.external));
    assert.ok(allLinks.sync_date instanceof Date);
    for (const link of allLinks) assert.equal(typeof (link.odoo as RecordSet).id, 'number');

    // unlink
    await allLinks.unlink();
    assert.equal((await searchLinks(allPartners(), REL)).length, 0);
  });
});

describe('upstream test_links: external links', () => {
  const REL = 'sync_test_external_links';
  const all = () => fns.search_links(REL, { github: null, trello: null });

  test('test_external_link', async () => {
    assert.equal((await all()).length, 0);

    // set and get links
    let when = daysAgo(1);
    const slink = await fns.set_link(REL, { github: 1, trello: 101 }, { sync_date: when });
    assert.equal((await fns.get_link(REL, { github: 1, trello: 101 }))!.get('github'), slink.get('github'));
    assert.equal((await fns.get_link(REL, { github: 1, trello: null }))!.get('github'), slink.get('github'));
    let glink = (await fns.get_link(REL, { github: null, trello: 101 }))!;
    assert.equal(glink.get('github'), '1');
    assert.deepEqual(glink.sync_date, when);

    // update sync_date
    when = new Date();
    await glink.update_links(when);
    glink = (await fns.get_link(REL, { github: null, trello: 101 }))!;
    assert.deepEqual(glink.sync_date, when);

    // search_links
    let allLinks = await all();
    assert.equal(allLinks.length, 1);
    assert.deepEqual(allLinks.sync_date, when);
    for (const link of allLinks) assert.deepEqual(link.sync_date, when);
    await allLinks.update_links(when);

    // set operations
    await fns.set_link(REL, { github: 2, trello: 102 });
    await fns.set_link(REL, { github: 3, trello: 103 });
    await fns.set_link(REL, { github: 4, trello: 104 });
    const a = await fns.search_links(REL, { github: [1, 2, 3], trello: null });
    const b = await fns.search_links(REL, { github: null, trello: [102, 103, 104] });
    assert.equal(a.equals(b), false);
    assert.deepEqual(asSet(a.difference(b).get('trello')), asSet(['101']));
    assert.deepEqual(asSet(a.difference(b).get('github')), asSet(['1']));
    assert.deepEqual(asSet(a.union(b).get('github')), asSet(['1', '2', '3', '4']));
    assert.deepEqual(asSet(a.intersection(b).get('github')), asSet(['2', '3']));
    assert.deepEqual(asSet(a.xor(b).get('github')), asSet(['1', '4']));

    // one2many
    await fns.set_link(REL, { github: 5, trello: 105 });
    await assert.rejects(fns.set_link(REL, { github: 5, trello: 1005 }), { name: 'ValidationError' });
    await fns.set_link(REL, { github: 5, trello: 1005 }, { allow_many2many: true });
    await assert.rejects(fns.get_link(REL, { github: 5, trello: null }), { name: 'ValidationError' });
    assert.equal((await fns.search_links(REL, { github: 5, trello: null })).length, 2);
    const glink1 = (await fns.get_link(REL, { github: 5, trello: 105 }))!;
    const glink2 = (await fns.get_link(REL, { github: 5, trello: 1005 }))!;
    const glink3 = (await fns.get_link(REL, { github: null, trello: 105 }))!;
    const glink4 = (await fns.get_link(REL, { github: null, trello: 1005 }))!;
    assert.ok(glink1.equals(glink3));
    assert.ok(glink2.equals(glink4));
    assert.ok(!glink1.equals(glink2));
    assert.equal((await fns.search_links(REL, { github: null, trello: [105, 1005] })).length, 2);
    assert.equal((await fns.search_links(REL, { github: [2, 5], trello: [102, 100000002, 105, 1005] })).length, 3);
    assert.equal((await fns.search_links(REL, { github: [2, 5], trello: null })).length, 3);

    // unlink
    allLinks = await all();
    await allLinks.unlink();
    assert.equal((await all()).length, 0);
  });
});

describe('deliberate differences from upstream', () => {
  test('an empty list or empty records match nothing', async () => {
    await fns.set_link('diff_empty', { a: 1, b: 2 });
    await setLink(createRecord(), 'diff_empty_odoo', 'x');
    assert.equal((await fns.search_links('diff_empty', { a: [], b: null })).length, 0);
    assert.equal((await searchLinks(partners.browse([]), 'diff_empty_odoo')).length, 0);
  });

  test('.external is a list on a set and a value on a link; .sync_date of no links is null', async () => {
    const link = await fns.set_link('diff_external', { a: 'one', b: 'two' });
    assert.equal(link.external, 'one');
    assert.deepEqual((await fns.search_links('diff_external', { a: null, b: null })).external, ['one']);
    const none = await fns.search_links('diff_external', { a: 'nothing', b: null });
    assert.deepEqual(none.external, []);
    assert.equal(none.sync_date, null);
    assert.equal(none.odoo, null);
  });

  test('one-to-one is per model: the same relation on two models does not collide', async () => {
    const partner = createRecord();
    const user = env['res.users']!.browse([partner.id]);
    await setLink(partner, 'diff_model', 'shared');
    const userLink = await setLink(user, 'diff_model', 'shared');
    sameRecords(userLink.odoo, user);
    sameRecords((await fns.get_link('diff_model', 'shared', 'res.users'))!.odoo, user);
    await assert.rejects(fns.get_link('diff_model', 'shared'), {
      name: 'ValidationError',
      message: 'get_link found 2 links of relation "diff_model"; use search_links for many-to-many relations',
    });
  });

  test('mixing models in .odoo is an error', async () => {
    const partnerLinks = await searchLinks(partners.browse([lastId]), 'diff_model');
    const userLinks = await searchLinks(env['res.users']!.browse([lastId]), 'diff_model');
    assert.throws(() => partnerLinks.union(userLinks).odoo, {
      name: 'ValidationError',
      message: 'Mixing apples and oranges: res.partner and res.users',
    });
  });

  test('refs must name exactly two systems and false is not a ref', async () => {
    await assert.rejects(fns.set_link('diff_refs', { a: 1, b: 2, c: 3 }), {
      message: /refs must name exactly two systems, got 3: a, b, c/,
    });
    await assert.rejects(fns.search_links('diff_refs', { a: 1 }), { message: /exactly two systems, got 1: a/ });
    await assert.rejects(setLink(createRecord(), 'diff_refs', false), {
      message: /refs.__external__": a ref must be a non-empty string or a number/,
    });
    await assert.rejects(fns.get_link('diff_refs', false), {
      message: /a ref must be a non-empty string, a number, a list of them, or null/,
    });
  });

  test('set_link on several records, bad options and bad dates are refused before reaching the host', async () => {
    await assert.rejects(async () => setLink(partners.browse([1, 2]), 'diff_args', 'x'), {
      name: 'ValidationError',
      message: /exactly one record/,
    });
    await assert.rejects(async () => fns.set_link('diff_args', { a: 1, b: 2 }, { allow_many_to_many: true }), {
      message: /unknown option "allow_many_to_many"/,
    });
    await assert.rejects(async () => fns.set_link('diff_args', { a: 1, b: 2 }, { sync_date: 'last week' }), {
      message: /expected a Date or a date string/,
    });
    await assert.rejects(async () => fns.search_links('diff_args', 'x'), { message: /for Odoo records use records.search_links/ });
  });
});

describe('link objects', () => {
  test('Odoo date strings are UTC; a date given as the third argument of records.set_link is the sync date', async () => {
    const link = await setLink(createRecord(), 'obj_dates', 'x', '2024-05-01 12:30:00' as never);
    assert.deepEqual(link.sync_date, new Date(Date.UTC(2024, 4, 1, 12, 30, 0)));
    await link.update_links('2024-06-01T00:00:00+02:00');
    assert.deepEqual(link.sync_date, new Date(Date.UTC(2024, 4, 31, 22, 0, 0)));
  });

  test('get(system) names the missing system; a link set iterates, indexes and serialises', async () => {
    const link = await fns.set_link('obj_get', { github: 'g', trello: 't' });
    assert.equal(link.get('trello'), 't');
    assert.throws(() => link.get('gitlab'), { message: 'Cannot find value for gitlab. Found: github and trello' });
    const links = await fns.search_links('obj_get', { github: null, trello: null });
    assert.deepEqual(
      [...links].map((l) => l.id),
      [link.id],
    );
    assert.equal(links.at(0)!.ref2, 't');
    assert.equal(links.at(1), undefined);
    assert.equal(String(links), `sync.link(${link.id})`);
    assert.equal(JSON.parse(JSON.stringify(links))[0].ref1, 'g');
  });

  test('debug lines say what happened', async () => {
    const r = createRecord();
    await setLink(r, 'obj_logs', 'x');
    await setLink(r, 'obj_logs', 'x');
    const found = await fns.get_link('obj_logs', 'x');
    await searchLinks(r, 'obj_logs');
    await found!.unlink();
    assert.deepEqual(logs, [
      `Create link: obj_logs __external__=x, __odoo__=${r.id} (res.partner)`,
      `Use existing link: obj_logs __external__=x, __odoo__=${r.id} (res.partner)`,
      `Get link: obj_logs x -> sync.link(${found!.id})`,
      `Search links: obj_logs {"__odoo__":[${r.id}],"__external__":null} res.partner -> sync.link(${found!.id})`,
      `Delete links: sync.link(${found!.id})`,
    ]);
  });
});

describe('sync helpers', () => {
  test('sync_odoo2x creates the external side and links it, then updates', async () => {
    const [r1, r2] = [createRecord(), createRecord()];
    await setLink(r1, 'helpers_o2x', 'ext-existing');
    const calls: string[] = [];
    const syncInfo = {
      relation: 'helpers_o2x',
      x: {
        create: async (record: RecordSet) => {
          calls.push(`create ${record.id}`);
          return `ext-${record.id}`;
        },
        update: async (ref: string, record: RecordSet) => {
          calls.push(`update ${ref} ${record.id}`);
        },
      },
    };
    const both = r1.union(r2);
    await fns.sync_odoo2x(both, syncInfo, { create: true });
    assert.deepEqual(calls, [`create ${r2.id}`]);
    assert.ok(logs.includes('Destination record already exists: ext-existing'));
    assert.equal((await fns.get_link('helpers_o2x', `ext-${r2.id}`))!.odoo!.ids[0], r2.id);

    calls.length = 0;
    await fns.sync_odoo2x(both, syncInfo, { update: true });
    assert.deepEqual(calls, [`update ext-existing ${r1.id}`, `update ext-${r2.id} ${r2.id}`]);
  });

  test('sync_x2odoo creates Odoo records for unlinked items and updates linked ones', async () => {
    const items = [{ key: 'a' }, { key: 'b' }];
    const calls: string[] = [];
    const syncInfo = {
      relation: 'helpers_x2o',
      x: { get_ref: (item: { key: string }) => item.key },
      odoo: {
        create: (item: { key: string }) => {
          calls.push(`create ${item.key}`);
          return createRecord();
        },
        update: (record: RecordSet, item: { key: string }) => {
          calls.push(`update ${record.id} ${item.key}`);
        },
      },
    };
    await fns.sync_x2odoo(items, syncInfo);
    assert.deepEqual(logs, [
      'Get link: helpers_x2o a -> sync.link()',
      'Destination record not found for {"key":"a"}',
      'Get link: helpers_x2o b -> sync.link()',
      'Destination record not found for {"key":"b"}',
    ]);
    await fns.sync_x2odoo(items, syncInfo, { create: true });
    const linked = await fns.search_links('helpers_x2o', { __external__: null, __odoo__: null });
    assert.deepEqual(asSet(linked.external), asSet(['a', 'b']));
    calls.length = 0;
    await fns.sync_x2odoo(items, syncInfo, { update: true });
    const idOf = async (key: string) => ((await fns.get_link('helpers_x2o', key))!.odoo as RecordSet).id;
    assert.deepEqual(calls, [`update ${await idOf('a')} a`, `update ${await idOf('b')} b`]);
    logs = [];
    await fns.sync_x2odoo(items.slice(0, 1), syncInfo);
    assert.ok(logs.includes(`Destination record already exists: res.partner(${await idOf('a')})`));
  });

  test('sync_external reads src_info.create / src_info.update', async () => {
    const issues = [{ number: 11 }, { number: 12 }];
    const calls: string[] = [];
    const src = {
      system: 'github',
      get_ref: (issue: { number: number }) => issue.number,
      create: (issue: { number: number }) => {
        calls.push(`create ${issue.number}`);
        return `card-${issue.number}`;
      },
      update: (card: string, issue: { number: number }) => {
        calls.push(`update ${card} ${issue.number}`);
      },
    };
    await fns.sync_external(issues, 'helpers_ext', src, { system: 'trello' }, { create: true });
    assert.deepEqual(calls, ['create 11', 'create 12']);
    assert.equal((await fns.get_link('helpers_ext', { github: 12, trello: null }))!.get('trello'), 'card-12');
    calls.length = 0;
    await fns.sync_external(issues, 'helpers_ext', src, { system: 'trello' }, { update: true });
    assert.deepEqual(calls, ['update card-11 11', 'update card-12 12']);
    await assert.rejects(fns.sync_external(issues, 'helpers_ext', { system: 'github' }, { system: 'trello' }), {
      message: 'sync_external: get_ref must be a function',
    });
  });
});
