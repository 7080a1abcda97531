/**
 * PUBLIC_URL's default names the port the sidecar actually listens on: with PORT=0 the webhook URL
 * the API shows (and `webhooks.NAME` in task code) reaches the webhook, instead of saying port 0.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, test } from 'node:test';
import { startServe, stop } from '../helpers/cli.js';
import { createEmptyDatabase } from '../helpers/db.js';

const database = await createEmptyDatabase('ss_public_url');
const adminToken = `ssa_${randomBytes(18).toString('base64url')}`;
const serve = await startServe({
  DATABASE_URL: database.url,
  SYNC_STUDIO_SECRET: 'public-url-test-secret-with-more-than-32-characters',
  SYNC_STUDIO_ADMIN_TOKEN: adminToken,
  SYNC_STUDIO_WORKERS: '1',
  PORT: '0',
});
after(async () => {
  await stop(serve.child);
  await database.drop();
});

async function api(method: string, path: string, body?: unknown): Promise<any> {
  const response = await fetch(`${serve.url}/api${path}`, {
    method,
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(response.ok, `${method} ${path}: ${response.status} ${await response.clone().text()}`);
  return response.json();
}

test('with PORT=0 and no PUBLIC_URL, webhook URLs name the port bound and reach the webhook', async () => {
  assert.doesNotMatch(serve.url, /:0$/);
  const project = await api('POST', '/projects', { name: 'Public URL', active: true });
  const task = await api('POST', `/projects/${project.id}/tasks`, {
    name: 'Hook',
    code: 'function handle_webhook(request) { return { got: request.json.n }; }\nfunction handle_button() { return webhooks.hook; }',
  });
  const hook = await api('POST', `/tasks/${task.id}/triggers/webhook`, { trigger_name: 'hook' });
  const button = await api('POST', `/tasks/${task.id}/triggers/button`, { trigger_name: 'show_url' });

  const shown = (await api('GET', `/triggers/webhook/${hook.id}`)).url as string;
  assert.ok(shown.startsWith(`${serve.url}/sync/webhook/`), `the API shows ${shown}, the sidecar listens at ${serve.url}`);
  const reply = await fetch(shown, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"n": 7}' });
  assert.equal(reply.status, 200);
  assert.deepEqual(await reply.json(), { got: 7 });

  const run = await api('POST', `/triggers/button/${button.id}/run`, { wait: true });
  assert.equal(run.state, 'done');
  assert.equal(run.result, shown, 'task code sees the same URL in webhooks.hook');
});
