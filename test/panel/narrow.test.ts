/**
 * The panel on a phone-sized screen (390×844): the page itself never scrolls sideways on the main
 * screens (wide tables scroll inside their own frame). Screenshots of each screen go
 * to test-artifacts/panel/narrow-*.png.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { startPanelStack, type PanelStack } from '../helpers/panel.js';

let s: PanelStack;
let projectId: number;
let taskId: number;
let jobId: number;
before(async () => {
  s = await startPanelStack();
  const post = async (path: string, body: unknown) =>
    (await (await s.api(path, { method: 'POST', body: JSON.stringify(body) })).json()) as any;
  projectId = (await post('/projects', { name: 'Partner sync to the CRM of the sales team', active: true })).id;
  taskId = (
    await post(`/projects/${projectId}/tasks`, {
      name: 'Push changed partners',
      code: "async function handle_button() {\n  log('a rather long log line that says what happened to which partner and why it was skipped');\n}\n",
    })
  ).id;
  await post(`/projects/${projectId}/params`, {
    key: 'crm_base_url',
    value: 'https://crm.example.com/api/v2/partners',
    description: 'Where partners go',
  });
  await post(`/tasks/${taskId}/triggers/webhook`, { trigger_name: 'crm_callback' });
  await post(`/tasks/${taskId}/triggers/cron`, { trigger_name: 'nightly_push', interval_number: 1, interval_type: 'days' });
  const button = await post(`/tasks/${taskId}/triggers/button`, { trigger_name: 'push_now' });
  jobId = (await post(`/triggers/button/${button.id}/run`, { wait: true })).job_id;
});
after(() => s?.close());

/** How far the page's content reaches past the viewport's right edge, in CSS pixels (0: none). */
function sidewaysOverflow(page: Page): Promise<number> {
  return page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth') as Promise<number>;
}

test('at 390×844 no main screen scrolls sideways (projects, a project, a task, a job, jobs, logs); each is captured', async () => {
  const context = await s.browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 1,
    isMobile: true,
    hasTouch: true,
  });
  try {
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    const screens: [name: string, path: string, ready: () => Promise<unknown>][] = [
      ['projects', '/projects', () => page.getByRole('link', { name: 'Partner sync to the CRM of the sales team' }).waitFor()],
      [
        'project-parameters',
        `/projects/${projectId}/parameters`,
        () => page.getByRole('cell', { name: 'crm_base_url', exact: true }).first().waitFor(),
      ],
      ['task', `/tasks/${taskId}`, () => page.locator('.cm-content').waitFor()],
      ['job', `/jobs/${jobId}`, () => page.getByText('a rather long log line').waitFor()],
      ['jobs', '/jobs', () => page.getByRole('table', { name: 'Jobs' }).waitFor()],
      ['logs', '/logs', () => page.getByLabel('Log lines').waitFor()],
    ];
    const overflow: Record<string, number> = {};
    await page.goto(`${s.serve.url}/ui/#token=${s.adminToken}`);
    for (const [name, path, ready] of screens) {
      await page.goto(`${s.serve.url}/ui/#${path}`);
      await ready();
      await s.shot(page, `narrow-${name}`);
      overflow[name] = await sidewaysOverflow(page);
    }
    const wide = Object.entries(overflow).filter(([, pixels]) => pixels > 0);
    assert.deepEqual(wide, [], 'screens whose page scrolls sideways (pixels past the right edge)');
  } finally {
    await context.close();
  }
});
