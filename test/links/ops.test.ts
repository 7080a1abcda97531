/**
 * The host half of links: executeLinkOp on a real database — normalisation, one-to-one and
 * many-to-many rules, search semantics, validation of ops from task code, and concurrency.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { executeLinkOp, type LinkOpResults, type LinkRow } from '../../server/src/links/index.js';
import { InvalidInputError } from '../../server/src/shared/errors.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

let db: TestDatabase;
before(async () => {
  db = await createTestDatabase();
});
after(async () => {
  await db.drop();
});

const set = (op: Record<string, unknown>) => executeLinkOp(db.pool, { op: 'set', ...op }) as Promise<LinkOpResults['set']>;
const search = (op: Record<string, unknown>) => executeLinkOp(db.pool, { op: 'search', ...op }) as Promise<LinkRow[]>;
const get = (op: Record<string, unknown>) => executeLinkOp(db.pool, { op: 'get', ...op }) as Promise<LinkRow | null>;
const count = async (relation: string) =>
  (await db.pool.query('select count(*)::int as n from sync_studio.link where relation = $1', [relation])).rows[0].n as number;

describe('set', () => {
  test('sorts the two systems by name and stores refs as strings', async () => {
    const { link, created } = await set({ relation: 'issues', refs: { trello: 'abc', github: 7 } });
    assert.equal(created, true);
    assert.deepEqual([link.system1, link.ref1, link.system2, link.ref2, link.model], ['github', '7', 'trello', 'abc', null]);
    assert.match(link.date, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.000Z$/);
  });

  test('setting the same link again reuses it and refreshes its date', async () => {
    const first = await set({ relation: 'again', refs: { a: 1, b: 2 }, sync_date: '2020-01-01T00:00:00Z' });
    const second = await set({ relation: 'again', refs: { b: '2', a: '1' }, sync_date: '2021-06-01T10:20:30.456Z' });
    assert.equal(second.created, false);
    assert.equal(second.link.id, first.link.id);
    assert.equal(second.link.date, '2021-06-01T10:20:30.456Z');
    assert.equal(await count('again'), 1);
  });

  test('one-to-one: a second partner for either side is a ValidationError naming the existing link', async () => {
    await set({ relation: 'o2o', refs: { __odoo__: 1, __external__: 'x' }, model: 'res.partner' });
    await assert.rejects(set({ relation: 'o2o', refs: { __odoo__: 1, __external__: 'y' }, model: 'res.partner' }), {
      name: 'ValidationError',
      code: 'link_conflict',
      message: 'o2o link already exists: __external__=x, __odoo__=1',
    });
    await assert.rejects(set({ relation: 'o2o', refs: { __odoo__: 2, __external__: 'x' }, model: 'res.partner' }), {
      name: 'ValidationError',
      message: 'o2o link already exists: __external__=x, __odoo__=1',
    });
    assert.equal(await count('o2o'), 1);
  });

  test('many-to-many allows both, and still never duplicates a pair (also without a model)', async () => {
    await set({ relation: 'm2m', refs: { a: 1, b: 1 } });
    await set({ relation: 'm2m', refs: { a: 1, b: 2 }, allow_many2many: true });
    await set({ relation: 'm2m', refs: { a: 2, b: 1 }, allow_many2many: true });
    const again = await set({ relation: 'm2m', refs: { a: 1, b: 2 }, allow_many2many: true });
    assert.equal(again.created, false);
    assert.equal(await count('m2m'), 3);
    // one-to-one set of a pair whose sides now have other partners
    await assert.rejects(set({ relation: 'm2m', refs: { a: 1, b: 1 } }), { name: 'ValidationError' });
  });

  test('uniqueness and one-to-one checks are per model', async () => {
    await set({ relation: 'per_model', refs: { __odoo__: 5, __external__: 'e' }, model: 'res.partner' });
    const other = await set({ relation: 'per_model', refs: { __odoo__: 5, __external__: 'e' }, model: 'res.users' });
    assert.equal(other.created, true);
    assert.equal(other.link.model, 'res.users');
    assert.equal(await count('per_model'), 2);
  });

  test('ten parallel sets of the same pair make exactly one row without an error', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, () => set({ relation: 'race', refs: { a: 'same', b: 'pair' } })));
    assert.equal(new Set(results.map((r) => r.link.id)).size, 1);
    assert.equal(results.filter((r) => r.created).length, 1);
    assert.equal(await count('race'), 1);
  });

  test('ten parallel conflicting sets: one wins, nine get a ValidationError', async () => {
    const outcomes = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => set({ relation: 'race2', refs: { a: 'one', b: `partner${i}` } })),
    );
    assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 1);
    for (const outcome of outcomes.filter((o) => o.status === 'rejected')) {
      assert.equal((outcome as PromiseRejectedResult).reason.name, 'ValidationError');
    }
    assert.equal(await count('race2'), 1);
  });
});

describe('search and get', () => {
  before(async () => {
    for (const [g, t] of [
      [1, 101],
      [2, 102],
      [3, 103],
    ]) {
      await set({ relation: 'find', refs: { github: g, trello: t } });
    }
    await set({ relation: 'find', refs: { github: 3, trello: 1003 }, allow_many2many: true });
  });

  test('null matches any, a list matches its members, an empty list matches nothing; newest first', async () => {
    assert.deepEqual(
      (await search({ relation: 'find', refs: { github: null, trello: null } })).map((l) => l.ref2),
      ['1003', '103', '102', '101'],
    );
    assert.equal((await search({ relation: 'find', refs: { github: [1, '2'], trello: null } })).length, 2);
    assert.equal((await search({ relation: 'find', refs: { github: [], trello: null } })).length, 0);
    assert.equal((await search({ relation: 'find', refs: { github: [1, 3], trello: [101, 1003] } })).length, 2);
    assert.equal((await search({ relation: 'find', refs: { github: 2, trello: 102 } })).length, 1);
    assert.equal((await search({ relation: 'find', refs: { github: null, gitlab: null } })).length, 0);
  });

  test('a model narrows a search', async () => {
    await set({ relation: 'find_model', refs: { __odoo__: 1, __external__: 'r' }, model: 'res.partner' });
    assert.equal((await search({ relation: 'find_model', refs: { __odoo__: null, __external__: 'r' }, model: 'res.users' })).length, 0);
    assert.equal((await search({ relation: 'find_model', refs: { __odoo__: null, __external__: 'r' }, model: 'res.partner' })).length, 1);
    assert.equal((await search({ relation: 'find_model', refs: { __odoo__: null, __external__: 'r' } })).length, 1);
  });

  test('get returns the one link or null; several is an error naming the relation and the count', async () => {
    assert.equal((await get({ relation: 'find', refs: { github: 1, trello: null } }))?.ref2, '101');
    assert.equal(await get({ relation: 'find', refs: { github: 9, trello: null } }), null);
    await assert.rejects(get({ relation: 'find', refs: { github: 3, trello: null } }), {
      name: 'ValidationError',
      code: 'link_ambiguous',
      message: 'get_link found 2 links of relation "find"; use search_links for many-to-many relations',
    });
  });
});

describe('update_dates and delete', () => {
  test('update_dates sets the given date or now; delete removes and counts', async () => {
    const { link } = await set({ relation: 'dates', refs: { a: 1, b: 1 }, sync_date: '2001-01-01T00:00:00Z' });
    const [updated] = (await executeLinkOp(db.pool, {
      op: 'update_dates',
      ids: [link.id],
      sync_date: '2002-02-02T02:02:02Z',
    })) as LinkRow[];
    assert.equal(updated!.date, '2002-02-02T02:02:02.000Z');
    const [now] = (await executeLinkOp(db.pool, { op: 'update_dates', ids: [link.id] })) as LinkRow[];
    assert.ok(Date.parse(now!.date) > Date.parse('2020-01-01T00:00:00Z'));
    assert.deepEqual(await executeLinkOp(db.pool, { op: 'delete', ids: [link.id, 999999] }), { deleted: 1 });
    assert.equal(await count('dates'), 0);
  });
});

describe('bad ops from task code are refused with a clear message', () => {
  const cases: [string, unknown, RegExp][] = [
    ['not an object', 'set', /link operation: .*expected object/],
    ['an unknown op', { op: 'drop' }, /field "op": .*'set' \| 'search'/],
    ['no relation', { op: 'set', refs: { a: 1, b: 2 } }, /field "relation"/],
    ['an empty relation', { op: 'set', relation: '', refs: { a: 1, b: 2 } }, /relation name must not be empty/],
    ['one system', { op: 'set', relation: 'r', refs: { a: 1 } }, /refs must name exactly two systems, got 1: a/],
    ['three systems', { op: 'search', relation: 'r', refs: { a: 1, b: 2, c: 3 } }, /exactly two systems, got 3: a, b, c/],
    [
      'false as a ref',
      { op: 'set', relation: 'r', refs: { a: false, b: 2 } },
      /field "refs.a": a ref must be a non-empty string or a number/,
    ],
    ['null in a set', { op: 'set', relation: 'r', refs: { a: null, b: 2 } }, /field "refs.a"/],
    [
      'an object as a search ref',
      { op: 'search', relation: 'r', refs: { a: { x: 1 }, b: null } },
      /field "refs.a": a ref must be .* or null for "any"/,
    ],
    ['a bad date', { op: 'set', relation: 'r', refs: { a: 1, b: 2 }, sync_date: 'yesterday' }, /sync_date must be an ISO 8601 date-time/],
    ['an unknown field', { op: 'delete', ids: [1], force: true }, /unknown field "force"/],
    ['ids that are not ids', { op: 'delete', ids: ['1; drop table'] }, /field "ids.0"/],
  ];
  for (const [what, op, message] of cases) {
    test(what, async () => {
      await assert.rejects(executeLinkOp(db.pool, op), (error: unknown) => {
        assert.ok(error instanceof InvalidInputError, String(error));
        assert.match(error.message, message);
        return true;
      });
    });
  }
});
