/** The panel's trigger forms (DB trigger, webhook with its URL copied) and the XML import/export round trip. */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { startPanelStack, type PanelStack } from '../helpers/panel.js';
import { adminPassword, startOdooDouble, type OdooDouble } from '../odoo-double/index.js';

let odoo: OdooDouble;
let s: PanelStack;
let projectId: number;
let taskId: number;
before(async () => {
  // In Odoo's database (the double's), as deployed: DB triggers watch its tables.
  odoo = await startOdooDouble({ databases: ['odoo'] });
  s = await startPanelStack('odoo', {
    odoo: {
      databaseUrl: odoo.databaseUrl('odoo'),
      env: { ODOO_URL: odoo.url, ODOO_DB: 'odoo', ODOO_USER: 'admin', ODOO_PASSWORD: adminPassword },
    },
  });
  const post = async (path: string, body: unknown) =>
    (await (await s.api(path, { method: 'POST', body: JSON.stringify(body) })).json()) as any;
  projectId = (await post('/projects', { name: 'Triggers project' })).id;
  taskId = (await post(`/projects/${projectId}/tasks`, { name: 'Sync partners', code: 'function handle_db(records) {}' })).id;
  await s.page.goto(s.panelUrl);
  await s.page.getByRole('link', { name: 'Triggers project' }).waitFor();
});
after(async () => {
  await s?.close();
  await odoo?.stop();
});

test('a DB trigger is made with the form: model, kind, domains and watched fields reach the API', async () => {
  const { page } = s;
  await page.goto(`${s.serve.url}/ui/#/tasks/${taskId}`);
  await page.getByRole('button', { name: 'Add a DB trigger' }).click();
  const form = page.locator('ss-dialog[open]');
  await form.getByLabel('Trigger name').fill('partner_changed');
  await form.getByLabel('Model').fill('res.partner');
  await form.getByLabel('Trigger', { exact: true }).selectOption('on_write');
  await form.getByLabel('Before update domain').fill("[('active', '=', True)]");
  await form.getByLabel('Apply on (domain)').fill("[('email', '!=', False)]");
  await form.getByLabel('Watched fields').fill('name, email');
  await s.shot(page, '08-db-trigger-form');
  await form.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('cell', { name: 'partner_changed', exact: true }).waitFor();
  // The list says the whole trigger, not only its model and kind.
  const row = page.getByRole('row').filter({ hasText: 'partner_changed' });
  assert.match(
    (await row.innerText()).replace(/\s+/g, ' '),
    /res\.partner on write · watching name, email · before \[\('active', '=', True\)\] · applies to \[\('email', '!=', False\)\]/,
  );
  const list = (await (await s.api(`/tasks/${taskId}/triggers/db`)).json()) as any;
  assert.equal(list.items.length, 1);
  assert.deepEqual(
    [list.items[0].model, list.items[0].kind, list.items[0].filter_pre_domain, list.items[0].filter_domain, list.items[0].watched_fields],
    ['res.partner', 'on_write', "[('active', '=', True)]", "[('email', '!=', False)]", ['name', 'email']],
  );
});

test('a DB trigger on a model Odoo does not have is refused next to the Model field; the form keeps what was typed', async () => {
  const { page } = s;
  await page.goto(`${s.serve.url}/ui/#/tasks/${taskId}`);
  await page.getByRole('button', { name: 'Add a DB trigger' }).click();
  const form = page.locator('ss-dialog[open]');
  await form.getByLabel('Trigger name').fill('ghost_model');
  await form.getByLabel('Model').fill('x_no.such_model');
  await form.getByLabel('Watched fields').fill('name');
  await form.getByRole('button', { name: 'Save' }).click();
  const error = form.locator('.field-error');
  await error.waitFor();
  assert.match(await error.first().innerText(), /model x_no\.such_model does not exist/);
  assert.equal(await form.getByLabel('Model').getAttribute('aria-invalid'), 'true');
  assert.equal(await form.getByLabel('Watched fields').inputValue(), 'name');
  await form.getByRole('button', { name: 'Discard' }).click();
});

test('an invalid trigger name is shown next to its field and the form keeps what was typed', async () => {
  const { page } = s;
  await page.goto(`${s.serve.url}/ui/#/tasks/${taskId}`);
  await page.getByRole('button', { name: 'Add a manual trigger' }).click();
  const form = page.locator('ss-dialog[open]');
  await form.getByLabel('Trigger name').fill('not a name');
  await form.getByLabel('Description').fill('kept after the failure');
  await form.getByRole('button', { name: 'Save' }).click();
  await form.locator('.field-error').waitFor();
  assert.equal(await form.getByLabel('Trigger name').getAttribute('aria-invalid'), 'true');
  assert.equal(await form.getByLabel('Description').inputValue(), 'kept after the failure');
  await form.getByRole('button', { name: 'Discard' }).click();
});

test("a webhook's URL is copied with its button", async () => {
  const { page } = s;
  await page.getByRole('button', { name: 'Add a webhook' }).click();
  const form = page.locator('ss-dialog[open]');
  await form.getByLabel('Trigger name').fill('incoming');
  await form.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('button', { name: 'Copy the URL of incoming' }).click();
  await page.getByText('Webhook URL copied.').waitFor();
  const list = (await (await s.api(`/tasks/${taskId}/triggers/webhook`)).json()) as any;
  assert.match(list.items[0].url, /\/sync\/webhook\/[0-9a-f-]{36}$/);
  assert.equal(await page.evaluate('navigator.clipboard.readText()'), list.items[0].url);
  await s.shot(page, '09-task-triggers');
});

test('a project exported from the list imports back through the file picker with its report', async () => {
  const { page } = s;
  await page.goto(`${s.serve.url}/ui/#/projects`);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export Triggers project' }).click(),
  ]);
  const file = await download.path();
  const xml = await readFile(file, 'utf8');
  assert.match(xml, /<odoo>/);
  assert.match(xml, /Sync partners/);
  await page.locator('#import-file').setInputFiles(file);
  const report = page.locator('ss-dialog[open]');
  await report.getByText(/Project updated: \d+ records created, \d+ updated/).waitFor();
  await s.shot(page, '10-import-report');
  await report.getByRole('button', { name: 'Open the project' }).click();
  await page.getByRole('tab', { name: 'Parameters' }).waitFor();
  const [again] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export to XML' }).click()]);
  assert.equal(await readFile(await again.path(), 'utf8'), xml, 'the second export is the same file');
});
