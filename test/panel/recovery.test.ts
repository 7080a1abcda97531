/**
 * The panel when things go wrong: a failed job requeued after its code is fixed, the banner while
 * the sidecar is down (stopped and started again), and an accessibility scan (axe-core) of the
 * main screens.
 */
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, test } from 'node:test';
import { startServe, stop } from '../helpers/cli.js';
import { setCode, startPanelStack, type PanelStack } from '../helpers/panel.js';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
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
  await page.getByRole('button', { name: 'Run go now' }).click();
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

test('the main screens have no serious accessibility violations (axe-core)', async () => {
  const context = await s.browser.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP: true });
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(`${s.serve.url}/ui/`);
    const screens: [string, () => Promise<unknown>][] = [
      ['sign-in', () => page.getByLabel('Token').waitFor()],
      ['projects', () => page.getByRole('link', { name: 'Recovery project' }).waitFor()],
      [`/projects/${projectId}/parameters`, () => page.getByRole('tab', { name: 'Parameters' }).waitFor()],
      [`/projects/${projectId}/context`, () => page.getByText('Common code').waitFor()],
      [`/tasks/${taskId}`, () => page.locator('.cm-content').waitFor()],
      ['/jobs', () => page.getByRole('table', { name: 'Jobs' }).waitFor()],
      ['/logs', () => page.getByLabel('Log lines').waitFor()],
      ['/links', () => page.getByText('No link matches.').waitFor()],
    ];
    const failures: string[] = [];
    for (const [screen, ready] of screens) {
      if (screen === 'projects') {
        await page.getByLabel('Token').fill(s.adminToken);
        await page.getByRole('button', { name: 'Sign in' }).click();
      } else if (screen.startsWith('/')) await page.goto(`${s.serve.url}/ui/#${screen}`);
      await ready();
      await page.addScriptTag({ path: axePath });
      const result = (await page.evaluate('axe.run(document, { resultTypes: ["violations"] })')) as {
        violations: { id: string; impact: string; help: string; nodes: { target: unknown }[] }[];
      };
      for (const v of result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')) {
        failures.push(`${screen}: ${v.id} (${v.impact}) ${v.help} — ${JSON.stringify(v.nodes.slice(0, 3).map((n) => n.target))}`);
      }
    }
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${s.serve.url}/ui/#/projects/${projectId}/parameters`);
    await page.getByRole('tab', { name: 'Parameters' }).waitFor();
    await s.shot(page, '13-narrow-project');
    assert.deepEqual(failures, []);
  } finally {
    await context.close();
  }
});
