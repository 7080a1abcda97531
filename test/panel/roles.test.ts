/**
 * The panel per role (three tokens), the sign-in screen for an expired token, and the task editor's
 * syntax check marking an error on its line before any save.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setCode, startPanelStack, type PanelStack } from '../helpers/panel.js';

let s: PanelStack;
let projectId: number;
let taskId: number;
before(async () => {
  s = await startPanelStack();
  const project = (await (await s.api('/projects', { method: 'POST', body: JSON.stringify({ name: 'Newcomer project' }) })).json()) as any;
  projectId = project.id;
  const task = await s.api(`/projects/${projectId}/tasks`, {
    method: 'POST',
    body: JSON.stringify({ name: 'Say hello', code: "function handle_button() {\n  log('second line');\n}" }),
  });
  taskId = ((await task.json()) as any).id;
  await s.api(`/projects/${projectId}/secrets`, { method: 'POST', body: JSON.stringify({ key: 'api_key', value: 's3cret-value' }) });
});
after(() => s?.close());

test('each role sees only the controls it can use; an expired token lands on the sign-in screen saying why', async () => {
  const context = await s.browser.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const p = await context.newPage();
    p.setDefaultTimeout(10_000);
    const open = async (token: string, path: string) => {
      await p.goto('about:blank');
      await p.goto(`${s.serve.url}/ui/#token=${encodeURIComponent(token)}`);
      await p.getByRole('link', { name: 'Newcomer project' }).waitFor();
      await p.goto(`${s.serve.url}/ui/#${path}`);
    };

    await open(s.tokenFor('user'), `/projects/${projectId}/parameters`);
    await p.getByRole('cell', { name: 'api_key' }).waitFor();
    await p.getByText('set (hidden)').waitFor();
    assert.equal(await p.getByRole('button', { name: 'Add a parameter' }).count(), 0, 'users cannot add parameters');
    assert.equal(await p.getByRole('button', { name: /^Delete/ }).count(), 0, 'users cannot delete');
    assert.equal(await p.getByText('s3cret-value').count(), 0, 'users never see secret values');
    await p.getByRole('link', { name: 'Projects' }).first().click();
    await p.getByRole('link', { name: 'Newcomer project' }).waitFor();
    assert.equal(await p.getByRole('button', { name: 'New', exact: true }).count(), 0, 'users cannot create projects');
    await s.shot(p, '06-role-user');

    await open(s.tokenFor('developer'), `/projects/${projectId}/parameters`);
    await p.getByRole('button', { name: 'Add a parameter' }).waitFor();
    await p.getByText('set (hidden)').waitFor();
    assert.equal(await p.getByText('s3cret-value').count(), 0, 'developers never see secret values');
    await p.getByRole('link', { name: 'Projects' }).first().click();
    await p
      .getByRole('button', { name: 'Archive Newcomer project' })
      .or(p.getByRole('button', { name: 'Unarchive Newcomer project' }))
      .waitFor();
    assert.equal(await p.getByRole('button', { name: 'New', exact: true }).count(), 0, 'developers cannot create projects');
    assert.equal(await p.getByRole('button', { name: /^Duplicate/ }).count(), 0, 'developers cannot duplicate projects');

    await p.goto('about:blank');
    await p.goto(`${s.serve.url}/ui/#token=${encodeURIComponent(s.tokenFor('administrator', -60))}`);
    await p.getByRole('alert').filter({ hasText: 'expired' }).waitFor();
    await p.getByLabel('Token').waitFor();
    await s.shot(p, '07-sign-in-expired');
  } finally {
    await context.close();
  }
});

test('a syntax error is marked on its line while typing, before any save; leaving asks first', async () => {
  await s.page.goto(s.panelUrl);
  await s.page.getByRole('link', { name: 'Newcomer project' }).waitFor();
  await s.page.goto(`${s.serve.url}/ui/#/tasks/${taskId}`);
  await setCode(s.page, 'function handle_button() {\n  log("a";\n}');
  await s.page.getByText(/Line 2, column \d+:/).waitFor();
  await s.page.locator('.cm-lintRange-error').first().waitFor();
  assert.ok(await s.page.locator('.cm-lint-marker-error').count(), 'the gutter marks the line');
  await s.shot(s.page, '05-syntax-error');
  assert.match(((await (await s.api(`/tasks/${taskId}`)).json()) as any).code, /second line/, 'nothing was saved');
  const asked = s.page.waitForEvent('dialog').then(async (dialog) => {
    const message = dialog.message();
    await dialog.dismiss();
    return message;
  });
  await s.page.getByRole('link', { name: 'Jobs', exact: true }).first().click();
  assert.match(await asked, /unsaved changes/);
  assert.match(s.page.url(), /#\/tasks\//, 'staying on the task keeps the typed code');
  assert.match(await s.page.locator('.cm-content').innerText(), /log\("a";/);
});
