/**
 * The panel when things go wrong: a failed job requeued after its code is fixed, a page's
 * notification that must not follow the user, and the banner while the sidecar is down (stopped and
 * started again).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startServe, stop } from '../helpers/cli.js';
import { setCode, startPanelStack, type PanelStack } from '../helpers/panel.js';

let s: PanelStack;
let projectId: number;
let taskId: number;
let buttonId: number;
before(async () => {
  s = await startPanelStack();
  const post = async (path: string, body: unknown) =>
    (await (await s.api(path, { method: 'POST', body: JSON.stringify(body) })).json()) as any;
  projectId = (await post('/projects', { name: 'Recovery project', active: true })).id;
  taskId = (await post(`/projects/${projectId}/tasks`, { name: 'Fragile', code: "function handle_button() { throw new Error('boom'); }" }))
    .id;
  buttonId = (await post(`/tasks/${taskId}/triggers/button`, { trigger_name: 'go' })).id;
  await s.page.goto(s.panelUrl);
  await s.page.getByRole('link', { name: 'Recovery project' }).waitFor();
});
after(() => s?.close());

test('a failed job is requeued from its page after the code is fixed, and ends done', async () => {
  const { page } = s;
  await page.goto(`${s.serve.url}/ui/#/projects/${projectId}/manual`);
  await page.getByRole('button', { name: 'Run Now go' }).click();
  await page.locator('#job-state', { hasText: 'Failed' }).waitFor({ timeout: 20_000 });
  await page.getByText('boom').first().waitFor();
  const jobUrl = page.url();
  await s.shot(page, '11-job-failed');

  await page.getByRole('link', { name: 'Task', exact: true }).click();
  await setCode(page, "function handle_button() {\n  log('fixed');\n  return { ok: true };\n}");
  await page.getByText('No syntax errors.').waitFor();
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Task saved.').waitFor();

  await page.goto(jobUrl);
  await page.getByRole('button', { name: 'Requeue' }).click();
  await page.locator('#job-state', { hasText: 'Done' }).waitFor({ timeout: 30_000 });
  await page.getByText('fixed', { exact: true }).waitFor();
  const jobs = (await (await s.api(`/jobs?task_id=${taskId}`)).json()) as any;
  assert.equal(jobs.items.length, 1, 'the same job ran again');
  assert.equal(jobs.items[0].state, 'done');
  assert.ok(buttonId > 0);
});

test("a page's notification stays on its page: 'Task saved.' is gone once Run Now opens the job", async () => {
  const { page } = s;
  await page.goto(`${s.serve.url}/ui/#/tasks/${taskId}`);
  await setCode(page, "function handle_button() {\n  log('saved, then run');\n}");
  await page.keyboard.press('ControlOrMeta+s');
  await page.getByText('Task saved.').waitFor();
  await page.getByRole('button', { name: 'Run Now go' }).click();
  await page.locator('#job-state').waitFor();
  assert.match(page.url(), /#\/jobs\/\d+$/);
  assert.equal(await page.getByText('Task saved.').count(), 0, 'the notification did not follow the user to the job page');
  await page.locator('#job-state', { hasText: 'Done' }).waitFor({ timeout: 20_000 });
});

test('a lost connection shows a banner that goes away by itself once the sidecar is back', async () => {
  const { page } = s;
  await page.goto(`${s.serve.url}/ui/#/jobs`);
  await page.getByRole('table', { name: 'Jobs' }).waitFor();
  assert.equal(await stop(s.serve.child), 0);
  await page.getByRole('button', { name: 'Refresh' }).click();
  const banner = page.getByRole('alert').filter({ hasText: 'Connection lost' });
  await banner.waitFor();
  await s.shot(page, '12-connection-lost');
  s.serve = await startServe(s.env);
  await banner.waitFor({ state: 'detached', timeout: 30_000 });
  await page.getByText('The connection to Sync Studio is back.').waitFor();
  await page.getByRole('table', { name: 'Jobs' }).waitFor();
});
