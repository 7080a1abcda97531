/**
 * The panel's trigger forms (DB trigger, webhook with its URL copied), a DB trigger's activity
 * page, and the XML import/export round trip.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { createJsonRpcClient } from '../../server/src/odoo/index.js';
import { seriousA11yViolations, startPanelStack, type PanelStack } from '../helpers/panel.js';
import { pollUntil } from '../helpers/poll.js';
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

test("a DB trigger's activity page shows the changes captured on its table and the jobs they started, with their records; Run on records tries handle_db on chosen ones", async () => {
  const { page } = s;
  const post = async (path: string, body: unknown) =>
    (await (await s.api(path, { method: 'POST', body: JSON.stringify(body) })).json()) as any;
  const project = await post('/projects', { name: 'Activity project' });
  const task = await post(`/projects/${project.id}/tasks`, {
    name: 'Mail changes',
    code: `function handle_db(records) { return records.mapped('email'); }`,
  });
  const trigger = await post(`/tasks/${task.id}/triggers/db`, {
    trigger_name: 'partner_email',
    model: 'res.partner',
    kind: 'on_write',
    watched_fields: ['email'],
  });
  await s.api(`/projects/${project.id}`, { method: 'PATCH', body: JSON.stringify({ active: true }) });
  // Capture is installed in the background once the project is active.
  const odooDb = new pg.Client({ connectionString: odoo.databaseUrl('odoo') });
  await odooDb.connect();
  try {
    await pollUntil(
      'capture installed on res_partner',
      async () =>
        (await odooDb.query(`select 1 from pg_trigger where tgname = 'sync_studio_update' and tgrelid = 'res_partner'::regclass`))
          .rowCount === 1,
    );
  } finally {
    await odooDb.end();
  }
  const rpc = createJsonRpcClient({ url: odoo.url, db: 'odoo', login: 'admin', password: adminPassword });
  let partner: number;
  try {
    partner = await rpc.executeKw<number>('res.partner', 'create', [{ name: 'Ada', email: 'ada@example.com' }]);
    await rpc.executeKw('res.partner', 'write', [[partner], { email: 'ada@lovelace.example' }]);
  } finally {
    rpc.close();
  }
  const activity = async () => (await (await s.api(`/triggers/db/${trigger.id}/events`)).json()) as any;
  await pollUntil('the job of the email change done', async () => (await activity()).jobs.some((j: any) => j.state === 'done'));

  await page.goto(`${s.serve.url}/ui/#/tasks/${task.id}`);
  await page.getByRole('link', { name: 'Activity of partner_email' }).click();
  const changes = page.getByRole('table', { name: 'Changes captured on res_partner' });
  await changes.waitFor();
  const updated = changes.getByRole('row').filter({ hasText: 'Updated' });
  assert.match((await updated.innerText()).replace(/\s+/g, ' '), new RegExp(`Updated 1 record: ${partner} email Taken`));
  assert.match(
    (await changes.getByRole('row').filter({ hasText: 'Created' }).innerText()).replace(/\s+/g, ' '),
    new RegExp(`Created 1 record: ${partner}`),
  );
  const jobs = page.getByRole('table', { name: 'Jobs started' });
  const [job] = (await activity()).jobs;
  const jobRow = jobs.getByRole('row').filter({ hasText: `Job ${job.id}` });
  assert.match((await jobRow.innerText()).replace(/\s+/g, ' '), new RegExp(`Job ${job.id} Done 1 record: ${partner}`));
  await s.shot(page, '14-db-trigger-activity');
  // The accessibility scan needs its script let in past the panel's CSP: a context of its own.
  const audit = await s.browser.newContext({ viewport: { width: 1280, height: 800 }, bypassCSP: true });
  try {
    const auditPage = await audit.newPage();
    await auditPage.goto(s.panelUrl);
    await auditPage.getByRole('link', { name: 'Activity project' }).waitFor();
    await auditPage.goto(`${s.serve.url}/ui/#/db-triggers/${trigger.id}`);
    await auditPage.getByRole('table', { name: 'Jobs started' }).waitFor();
    assert.deepEqual(await seriousA11yViolations(auditPage, 'DB trigger activity'), []);
  } finally {
    await audit.close();
  }
  await jobRow.getByRole('link', { name: `Job ${job.id}` }).click();
  await page.waitForURL(new RegExp(`#/jobs/${job.id}$`));

  // Run on records: handle_db tried on chosen records, without changing them in Odoo.
  await page.goto(`${s.serve.url}/ui/#/tasks/${task.id}`);
  await page.getByRole('button', { name: 'Run partner_email on records' }).click();
  const ask = page.locator('ss-dialog[open]');
  await ask.getByLabel('Record ids').fill('12x');
  await ask.getByRole('button', { name: 'Run' }).click();
  assert.match(await ask.locator('.field-error').innerText(), /whole numbers separated by commas/);
  await ask.getByLabel('Record ids').fill('999999');
  await ask.getByRole('button', { name: 'Run' }).click();
  await ask.locator('.field-error', { hasText: 'res.partner has no record 999999' }).waitFor();
  await s.shot(page, '15-db-trigger-run-on-records');
  await ask.getByLabel('Record ids').fill(`${partner}`);
  await ask.getByRole('button', { name: 'Run' }).click();
  await page.waitForURL(/#\/jobs\/\d+$/);
  await page.locator('#job-state', { hasText: 'Done' }).waitFor();
  const runJobId = Number(/#\/jobs\/(\d+)$/.exec(page.url())![1]);
  const ran = (await (await s.api(`/jobs/${runJobId}`)).json()) as any;
  assert.deepEqual(ran.result, ['ada@lovelace.example'], 'handle_db got the record as it is now');
  await s.api(`/projects/${project.id}`, { method: 'PATCH', body: JSON.stringify({ active: false }) });
});

test("a webhook's URL is copied with its button", async () => {
  const { page } = s;
  await page.goto(`${s.serve.url}/ui/#/tasks/${taskId}`);
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
