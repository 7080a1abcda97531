/**
 * The sidecar's CORS policy for the panel mounted inside Odoo: the configured Odoo origin gets
 * its preflights answered and Access-Control-Allow-Origin on /api and /ui/ (errors included),
 * never credentials; any other origin gets no CORS header at all. Plus the setting's validation.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Hono } from 'hono';
import { loadConfig } from '../../server/src/config/index.js';
import { ConfigError } from '../../server/src/shared/errors.js';
import { createTestApp, type TestApp } from '../helpers/app.js';

const ODOO = 'https://odoo.example.com';
const OTHER = 'https://evil.example.net';
let t: TestApp;

before(async () => {
  const ui = new Hono();
  ui.get('/ui/embed.js', (c) => c.body('export {}', 200, { 'content-type': 'text/javascript' }));
  t = await createTestApp({ corsOrigins: [ODOO, 'http://localhost:8069'], odooDb: 'odoo', rootRoutes: [ui] });
});
after(() => t.close());

function request(path: string, init: { method?: string; origin?: string; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...init.headers };
  if (init.origin) headers.origin = init.origin;
  return t.app.request(path, { method: init.method ?? 'GET', headers });
}

function preflight(origin: string, path = '/api/projects', method = 'PATCH') {
  return request(path, {
    method: 'OPTIONS',
    origin,
    headers: { 'access-control-request-method': method, 'access-control-request-headers': 'authorization,content-type' },
  });
}

describe('CORS for the configured Odoo origin', () => {
  test('a preflight is answered before the token check, naming the origin, methods and headers', async () => {
    const response = await preflight(ODOO);
    assert.equal(response.status, 204);
    assert.equal(response.headers.get('access-control-allow-origin'), ODOO);
    assert.match(response.headers.get('access-control-allow-methods') ?? '', /PATCH/);
    assert.match(response.headers.get('access-control-allow-headers') ?? '', /Authorization/i);
    assert.equal(response.headers.get('access-control-allow-credentials'), null);
    assert.match(response.headers.get('vary') ?? '', /Origin/);
  });

  test('API answers, errors included, carry the origin and no credentials', async () => {
    const ok = await request('/api/projects', { origin: ODOO, headers: { authorization: `Bearer ${t.tokens.user}` } });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('access-control-allow-origin'), ODOO);
    assert.equal(ok.headers.get('access-control-allow-credentials'), null);
    const refused = await request('/api/projects', { origin: ODOO });
    assert.equal(refused.status, 401);
    assert.equal(refused.headers.get('access-control-allow-origin'), ODOO, 'the panel must be able to read why it was refused');
  });

  test('the panel bundle under /ui/ can be imported from Odoo (module scripts are fetched with CORS)', async () => {
    const response = await request('/ui/embed.js', { origin: 'http://localhost:8069' });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('access-control-allow-origin'), 'http://localhost:8069');
  });
});

describe('CORS for any other origin', () => {
  for (const origin of [OTHER, 'https://odoo.example.com.evil.net', 'http://odoo.example.com', 'null']) {
    test(`${origin}: no CORS header on a preflight or an answer`, async () => {
      const pre = await preflight(origin);
      assert.notEqual(pre.status, 204);
      const answer = await request('/api/projects', { origin, headers: { authorization: `Bearer ${t.tokens.administrator}` } });
      assert.equal(answer.status, 200, 'the token still works from curl; only browsers are held back');
      for (const response of [pre, answer]) {
        assert.equal(response.headers.get('access-control-allow-origin'), null);
        assert.equal(response.headers.get('access-control-allow-credentials'), null);
        assert.equal(response.headers.get('access-control-allow-methods'), null);
      }
    });
  }

  test('webhooks and health checks get no CORS header even from the Odoo origin', async () => {
    const response = await request('/healthz', { origin: ODOO });
    assert.equal(response.headers.get('access-control-allow-origin'), null);
  });
});

describe('GET /api/session', () => {
  test('says who the token names and which Odoo database the sidecar serves', async () => {
    const response = await t.call('developer', 'GET', '/api/session');
    assert.equal(response.status, 200);
    assert.deepEqual(response.body, { uid: 11, db: 'odoo', role: 'developer', odoo_db: 'odoo' });
    assert.equal((await t.call(null, 'GET', '/api/session')).status, 401);
  });
});

describe('SYNC_STUDIO_ODOO_ORIGIN', () => {
  test('takes one origin or several separated by commas; none by default', () => {
    assert.deepEqual(loadConfig({}).odooOrigins, []);
    assert.deepEqual(loadConfig({ SYNC_STUDIO_ODOO_ORIGIN: ODOO }).odooOrigins, [ODOO]);
    assert.deepEqual(loadConfig({ SYNC_STUDIO_ODOO_ORIGIN: `${ODOO}, http://localhost:8069` }).odooOrigins, [
      ODOO,
      'http://localhost:8069',
    ]);
    assert.deepEqual(loadConfig({}, { odooOrigin: ODOO }).odooOrigins, [ODOO]);
  });

  for (const bad of [
    `${ODOO}/`,
    `${ODOO}/web`,
    'odoo.example.com',
    '*',
    'ftp://odoo.example.com',
    `${ODOO},`,
    'HTTPS://Odoo.example.com',
  ]) {
    test(`refuses ${JSON.stringify(bad)} naming the setting`, () => {
      assert.throws(
        () => loadConfig({ SYNC_STUDIO_ODOO_ORIGIN: bad }),
        (error: unknown) => error instanceof ConfigError && /^SYNC_STUDIO_ODOO_ORIGIN: expected the origin of Odoo/.test(error.message),
      );
    });
  }
});
