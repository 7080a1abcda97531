/** The links API: role checks, filters, pagination and deletion, through the real app. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Queryable } from '../../server/src/db/index.js';
import { executeLinkOp, linkRoutes, type LinkOpResults } from '../../server/src/links/index.js';
import { createTestApp, type TestApp } from '../helpers/app.js';

let t: TestApp;
// createTestApp makes the database, so the routes reach its pool through this forwarder.
const pool: Queryable = { query: ((text: string, values?: unknown[]) => t.db.pool.query(text, values)) as Queryable['query'] };
const ids: Record<string, number> = {};

before(async () => {
  t = await createTestApp({ apiRoutes: [linkRoutes({ pool })] });
  const set = async (name: string, op: Record<string, unknown>) => {
    ids[name] = ((await executeLinkOp(t.db.pool, { op: 'set', ...op })) as LinkOpResults['set']).link.id;
  };
  await set('partner7', {
    relation: 'crm',
    refs: { __odoo__: 7, __external__: 'c-7' },
    model: 'res.partner',
    sync_date: '2024-01-01T00:00:00Z',
  });
  await set('partner8', {
    relation: 'crm',
    refs: { __odoo__: 8, __external__: 'c-8' },
    model: 'res.partner',
    sync_date: '2024-02-01T00:00:00Z',
  });
  await set('user7', { relation: 'crm', refs: { __odoo__: 9, __external__: '7' }, model: 'res.users', sync_date: '2024-03-01T00:00:00Z' });
  await set('issue', { relation: 'issues', refs: { github: 7, trello: 'abc' }, sync_date: '2024-04-01T00:00:00Z' });
});
after(async () => {
  await t.close();
});

const listed = async (query: string) => {
  const response = await t.call('user', 'GET', `/api/links${query}`);
  assert.equal(response.status, 200, JSON.stringify(response.body));
  return response.body as { items: { id: number }[]; total: number; limit: number; next_cursor: string | null };
};
const idsOf = (body: { items: { id: number }[] }) => body.items.map((item) => item.id);

describe('GET /api/links', () => {
  test('lists every link, newest first, with the page and total', async () => {
    const body = await listed('');
    assert.deepEqual(idsOf(body), [ids.issue, ids.user7, ids.partner8, ids.partner7]);
    assert.equal(body.total, 4);
    assert.equal(body.limit, 100);
    assert.equal(body.next_cursor, null);
    assert.deepEqual(body.items[0], {
      id: ids.issue,
      relation: 'issues',
      system1: 'github',
      ref1: '7',
      system2: 'trello',
      ref2: 'abc',
      model: null,
      date: '2024-04-01T00:00:00.000Z',
    });
  });

  test('paginates', async () => {
    const first = await listed('?limit=2');
    assert.deepEqual(idsOf(first), [ids.issue, ids.user7]);
    const body = await listed(`?limit=2&cursor=${first.next_cursor}`);
    assert.deepEqual(idsOf(body), [ids.partner8, ids.partner7]);
    assert.equal(body.total, 4);
    assert.equal(body.next_cursor, null);
  });

  test('filters by relation, system, ref (either side), model, kind and date range', async () => {
    assert.deepEqual(idsOf(await listed('?relation=issues')), [ids.issue]);
    assert.deepEqual(idsOf(await listed('?system=trello')), [ids.issue]);
    assert.deepEqual(idsOf(await listed('?ref=7')), [ids.issue, ids.user7, ids.partner7]);
    assert.deepEqual(idsOf(await listed('?model=res.partner')), [ids.partner8, ids.partner7]);
    assert.deepEqual(idsOf(await listed('?odoo=true')), [ids.user7, ids.partner8, ids.partner7]);
    assert.deepEqual(idsOf(await listed('?odoo=false')), [ids.issue]);
    assert.deepEqual(idsOf(await listed('?date_from=2024-02-01T00:00:00Z&date_to=2024-03-01T00:00:00Z')), [ids.user7, ids.partner8]);
    const combined = await listed('?relation=crm&ref=7&limit=1');
    assert.deepEqual(idsOf(combined), [ids.user7]);
    assert.equal(combined.total, 2);
  });

  test('bad filters are a 400 naming the field', async () => {
    const unknown = await t.call('user', 'GET', '/api/links?colour=red');
    assert.equal(unknown.status, 400);
    assert.match(unknown.body.error.message, /unknown field "colour"/);
    const badBool = await t.call('user', 'GET', '/api/links?odoo=yes');
    assert.equal(badBool.status, 400);
    assert.equal(badBool.body.error.field, 'odoo');
    const badDate = await t.call('user', 'GET', '/api/links?date_from=yesterday');
    assert.equal(badDate.status, 400);
    assert.match(badDate.body.error.message, /ISO 8601/);
    assert.equal((await t.call('user', 'GET', '/api/links?limit=0')).status, 400);
  });

  test('needs a token', async () => {
    assert.equal((await t.call(null, 'GET', '/api/links')).status, 401);
  });
});

describe('deleting links', () => {
  test('users may not delete', async () => {
    assert.equal((await t.call('user', 'DELETE', `/api/links/${ids.partner7}`)).status, 403);
    assert.equal((await t.call('user', 'POST', '/api/links/delete', { ids: [ids.partner7] })).status, 403);
    assert.equal((await listed('')).total, 4);
  });

  test('DELETE /links/:id deletes one link; a missing one is a 404', async () => {
    assert.equal((await t.call('developer', 'DELETE', `/api/links/${ids.partner7}`)).status, 204);
    assert.equal((await t.call('developer', 'DELETE', `/api/links/${ids.partner7}`)).status, 404);
    assert.equal((await t.call('developer', 'DELETE', '/api/links/abc')).status, 400);
    assert.ok(!idsOf(await listed('')).includes(ids.partner7!));
  });

  test('POST /links/delete deletes several and says how many', async () => {
    const response = await t.call('administrator', 'POST', '/api/links/delete', { ids: [ids.partner8, ids.issue, 999999] });
    assert.equal(response.status, 200);
    assert.deepEqual(response.body, { deleted: 2 });
    assert.deepEqual(idsOf(await listed('')), [ids.user7]);
    const bad = await t.call('developer', 'POST', '/api/links/delete', { ids: [] });
    assert.equal(bad.status, 400);
    assert.equal((await t.call('developer', 'POST', '/api/links/delete', { ids: ['1'] })).status, 400);
  });
});
