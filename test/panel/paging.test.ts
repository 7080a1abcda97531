/** The panel's lists page by key: next and previous through the projects list, as a user clicks them. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startPanelStack, type PanelStack } from '../helpers/panel.js';

let s: PanelStack;
before(async () => {
  s = await startPanelStack();
  for (let i = 0; i < 55; i++) {
    const name = `Paged ${String(i).padStart(2, '0')}`;
    const res = await s.api('/projects', { method: 'POST', body: JSON.stringify({ name }) });
    assert.equal(res.status, 201);
  }
});
after(() => s?.close());

test('the projects list pages forward and back with the pager', async () => {
  const { page } = s;
  await page.goto(s.panelUrl);
  await page.getByRole('link', { name: 'Paged 00' }).waitFor();
  await page.getByText('1-50 / 55').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Previous page' }).isDisabled(), true);
  await page.getByRole('button', { name: 'Next page' }).click();
  await page.getByText('51-55 / 55').waitFor();
  await page.getByRole('link', { name: 'Paged 54' }).waitFor();
  assert.equal(await page.getByRole('link', { name: 'Paged 00' }).count(), 0, 'the second page shows the rest only');
  assert.equal(await page.getByRole('button', { name: 'Next page' }).isDisabled(), true, 'no page after the last');
  await page.getByRole('button', { name: 'Previous page' }).click();
  await page.getByText('1-50 / 55').waitFor();
  await page.getByRole('link', { name: 'Paged 00' }).waitFor();
});
