/**
 * The API contract covers the API: every route the sidecar app really serves under /api (walked
 * from hono's own route table) is in /api/openapi.json with its path parameters, its answers and
 * the shared error body, and the document lists no route the app does not serve. A route added
 * without a contract (a plain `app.get`) fails here.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createTestStack, type TestStack } from '../helpers/runtime.js';

let s: TestStack;
let doc: any;

before(async () => {
  s = await createTestStack();
  const res = await s.app.request('/api/openapi.json');
  assert.equal(res.status, 200, 'the document is served without a token');
  doc = await res.json();
});
after(() => s.close());

const methods = ['get', 'post', 'put', 'patch', 'delete'];

/** Every METHOD /api/path{param} hono dispatches to a handler (middleware and the not-found catch-all are ALL routes). */
function servedRoutes(): string[] {
  const served = s.app.routes
    .filter((route) => route.path.startsWith('/api/') && route.method !== 'ALL' && route.path !== '/api/openapi.json')
    .map((route) => `${route.method} ${route.path.replace(/:(\w+)/g, '{$1}')}`);
  return [...new Set(served)].sort();
}

function documentedRoutes(): string[] {
  return Object.entries(doc.paths as Record<string, Record<string, unknown>>)
    .flatMap(([path, operations]) =>
      Object.keys(operations)
        .filter((m) => methods.includes(m))
        .map((m) => `${m.toUpperCase()} ${path}`),
    )
    .sort();
}

test('the document is OpenAPI 3 and states how to authenticate', () => {
  assert.match(doc.openapi, /^3\.0\./);
  assert.equal(doc.info.title, 'Sync Studio API');
  assert.deepEqual(doc.components.securitySchemes.bearer, { type: 'http', scheme: 'bearer' });
  assert.deepEqual(doc.security, [{ bearer: [] }]);
});

test('every /api route the app serves is in the document, and the document lists no other', () => {
  const served = servedRoutes();
  assert.ok(served.length >= 40, `the app serves ${served.length} /api routes`);
  assert.deepEqual(documentedRoutes(), served);
});

test('each route documents its path parameters, a successful answer with its schema, and the shared error body', () => {
  const problems: string[] = [];
  for (const route of servedRoutes()) {
    const [method, path] = route.split(' ') as [string, string];
    const operation = doc.paths[path][method.toLowerCase()];
    const inPath = new Set((operation.parameters ?? []).filter((p: any) => p.in === 'path').map((p: any) => p.name));
    for (const [, name] of path.matchAll(/\{(\w+)\}/g))
      if (!inPath.has(name)) problems.push(`${route}: path parameter ${name} undocumented`);
    const statuses = Object.keys(operation.responses);
    const successes = statuses.filter((status) => status.startsWith('2'));
    if (successes.length === 0) problems.push(`${route}: no successful answer`);
    for (const status of successes) {
      if (status === '204') continue;
      const content = operation.responses[status].content ?? {};
      if (!Object.values(content).some((media: any) => media.schema)) problems.push(`${route}: ${status} has no schema`);
    }
    for (const status of ['400', '401']) {
      const schema = operation.responses[status]?.content?.['application/json']?.schema;
      if (schema?.$ref !== '#/components/schemas/Error') problems.push(`${route}: ${status} is not the shared error body`);
    }
    if (['POST', 'PATCH', 'PUT'].includes(method) && operation.requestBody) {
      if (!Object.values(operation.requestBody.content).some((media: any) => media.schema))
        problems.push(`${route}: request body without schema`);
    }
  }
  assert.deepEqual(problems, []);
});

test('request schemas carry what validation checks: enums of query lists, strict bodies', () => {
  const jobs = doc.paths['/api/jobs'].get.parameters;
  const state = jobs.find((p: any) => p.name === 'state');
  assert.deepEqual(state.schema.items.enum, ['pending', 'started', 'done', 'done_warning', 'failed']);
  const syntax = doc.paths['/api/syntax-check'].post.requestBody.content['application/json'].schema;
  assert.deepEqual(syntax.required, ['code']);
  assert.equal(syntax.additionalProperties, false);
  const project = doc.components.schemas.ProjectInput;
  assert.equal(project.additionalProperties, false);
  assert.equal(project.properties.name.maxLength, 200);
  assert.deepEqual(doc.components.schemas.Error.properties.error.required, ['code', 'message']);
});

test('every $ref of the document resolves', () => {
  const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]!);
  assert.ok(refs.length > 0);
  assert.deepEqual(
    refs.filter((name) => !doc.components.schemas[name]),
    [],
  );
});
