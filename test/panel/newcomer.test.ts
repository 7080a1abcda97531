/**
 * The panel in Debian's Chromium against a real sidecar started as a newcomer starts it (standalone
 * mode): from the printed URL to a live log line. Screenshots go to test-artifacts/panel/.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setCode, startPanelStack, type PanelStack } from '../helpers/panel.js';

let s: PanelStack;
before(async () => {
  s = await startPanelStack('standalone');
});
after(() => s?.close());

let taskId: number;

test('a newcomer signs in from the printed URL, builds a task and sees its log line arrive live', async () => {
  assert.match(s.panelUrl, /\/ui\/#token=ssa_/, 'the printed panel URL carries the token in the fragment');
  await s.page.goto(s.panelUrl);
  await s.page
    .getByRole('heading', { name: 'Projects' })
    .or(s.page.getByText('Projects', { exact: true }).first())
    .waitFor();
  assert.doesNotMatch(s.page.url(), /token=/, 'the token leaves the address bar');
  assert.equal(await s.page.evaluate('localStorage.length'), 0, 'nothing in localStorage');
  assert.equal(await s.page.evaluate("sessionStorage.getItem('sync-studio-token')"), s.serve.token);
  await s.shot(s.page, '01-projects');

  await s.page.getByRole('button', { name: 'New', exact: true }).click();
  await s.page.getByLabel('Name').fill('Newcomer project');
  await s.page.getByRole('button', { name: 'Create' }).click();
  await s.page.getByRole('tab', { name: 'Parameters' }).waitFor();

  await s.page.getByRole('button', { name: 'Add a parameter' }).click();
  await s.page.getByLabel('Key').fill('greeting');
  await s.page.getByLabel('Value').fill('hello');
  await s.page.locator('ss-dialog[open]').getByRole('button', { name: 'Save' }).click();
  await s.page.getByRole('cell', { name: 'hello' }).waitFor();

  await s.page.getByRole('button', { name: 'Add a secret' }).click();
  await s.page.getByLabel('Key').fill('api_key');
  await s.page.getByLabel('Value').fill('s3cret-value');
  await s.page.getByLabel('Sent only to (URL prefix)').fill('https://api.example.com/v1/');
  await s.page.locator('ss-dialog[open]').getByRole('button', { name: 'Save' }).click();
  await s.page.getByText('Sent only to https://api.example.com/v1/').waitFor();
  await s.page.getByRole('button', { name: 'Show the value of api_key' }).click();
  await s.page.getByText('s3cret-value').waitFor();
  await s.shot(s.page, '02-project-parameters');

  await s.page.getByRole('tab', { name: 'Available Tasks' }).click();
  await s.page.getByRole('button', { name: 'New task' }).click();
  await s.page.getByLabel('Name', { exact: true }).fill('Say hello');
  await s.page.getByRole('button', { name: 'Create' }).click();
  await s.page.locator('.cm-content').waitFor();
  taskId = Number(s.page.url().match(/tasks\/(\d+)/)![1]);
  await setCode(
    s.page,
    [
      'async function handle_button() {',
      "  log(params.greeting + ' first');",
      '  let n = 0;',
      '  for (let i = 0; i < 5e7; i++) n += i;',
      "  log('second line ' + (n > 0));",
      '}',
    ].join('\n'),
  );
  await s.page.getByText('No syntax errors.').waitFor();
  await s.page.keyboard.press('ControlOrMeta+s');
  await s.page.getByText('Task saved.').waitFor();
  assert.match(((await (await s.api(`/tasks/${taskId}`)).json()) as any).code, /second line/, 'Ctrl+S saved the code');

  await s.page.getByRole('button', { name: 'Add a manual trigger' }).click();
  await s.page.getByLabel('Trigger name').fill('say_hello');
  await s.page.locator('ss-dialog[open]').getByRole('button', { name: 'Save' }).click();
  await s.page.getByRole('button', { name: 'Run Now say_hello' }).waitFor();
  await s.shot(s.page, '03-task');

  await s.page.getByRole('button', { name: 'Run Now say_hello' }).click();
  // The project is new, hence archived (as upstream): Run Now asks before forcing the run.
  await s.page.locator('ss-dialog[open]').getByRole('button', { name: 'Run anyway' }).click();
  await s.page.getByText('hello first').waitFor();
  await s.page.getByText('second line').waitFor({ timeout: 20_000 });
  await s.page.locator('#job-state', { hasText: 'Done' }).waitFor();
  await s.shot(s.page, '04-job');
});
