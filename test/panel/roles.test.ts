/** The panel per role (three tokens) and the sign-in screen for an expired token. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startPanelStack, type PanelStack } from '../helpers/panel.js';

let s: PanelStack;
before(async () => {
  s = await startPanelStack();
});
after(() => s?.close());

let projectId: number;
before(async () => {
  const project = (await (await s.api('/projects', { method: 'POST', body: JSON.stringify({ name: 'Newcomer project' }) })).json()) as any;
  projectId = project.id;
  await s.api(`/projects/${projectId}/secrets`, { method: 'POST', body: JSON.stringify({ key: 'api_key', value: 's3cret-value' }) });
});

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
