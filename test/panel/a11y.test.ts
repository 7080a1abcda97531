/** An accessibility scan (axe-core) of the panel's main screens, and the narrow layout's screenshot. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { seriousA11yViolations, startPanelStack, type PanelStack } from '../helpers/panel.js';

let s: PanelStack;
let projectId: number;
let taskId: number;
before(async () => {
  s = await startPanelStack();
  const post = async (path: string, body: unknown) =>
    (await (await s.api(path, { method: 'POST', body: JSON.stringify(body) })).json()) as any;
  projectId = (await post('/projects', { name: 'Recovery project', active: true })).id;
  taskId = (await post(`/projects/${projectId}/tasks`, { name: 'Fragile', code: 'function handle_button() {}' })).id;
  await post(`/projects/${projectId}/params`, { key: 'greeting', value: 'hello', description: 'Said first' });
  await post(`/tasks/${taskId}/triggers/button`, { trigger_name: 'go' });
  await s.api(`/triggers/button/1/run`, { method: 'POST', body: JSON.stringify({ wait: true }) });
});
after(() => s?.close());

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
      failures.push(...(await seriousA11yViolations(page, screen)));
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
