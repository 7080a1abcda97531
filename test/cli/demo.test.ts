/**
 * `sync-studio serve --demo` (standalone): the three demo projects are loaded once, archived, each
 * with its own tasks and triggers; nothing of theirs runs and no external API is called until a
 * user configures and activates them; a restart neither loads them twice nor undoes a user's change.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startServe, stop } from '../helpers/cli.js';
import { StubServer } from '../stubs/server.js';

const dataDir = await mkdtemp(join(tmpdir(), 'sync-studio-demo-'));
/** Stands for Telegram, GitHub and Trello: any call reaching it is a demo calling an external API. */
const externalApis = new StubServer([]);
let env: Record<string, string>;

before(async () => {
  await externalApis.start();
  const urls = ['telegram', 'github', 'trello'].map((name) => `${name}=${externalApis.url}`).join(',');
  env = { SYNC_STUDIO_DATA_DIR: dataDir, PORT: '0', SYNC_STUDIO_WORKERS: '1', SYNC_STUDIO_PLUGIN_URLS: urls };
});
after(async () => {
  await externalApis.stop();
  await rm(dataDir, { recursive: true, force: true });
});

async function api(base: string, token: string, method: string, path: string, body?: unknown) {
  const response = await fetch(`${base}/api${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as any };
}

const DEMOS: Record<string, { tasks: string[]; buttons: string[] }> = {
  'Demo: Telegram': { tasks: ['Process Telegram Messages', 'Send response via Odoo', 'Setup'], buttons: ['SETUP_TELEGRAM'] },
  'Demo: Odoo ↔ Odoo': {
    tasks: ['Sync Local Partners To Remote Odoo', 'Sync Remote Partners Updates'],
    buttons: ['PUSH_ALL_LOCAL_PARTNERS'],
  },
  'Demo: GitHub ↔ Trello': {
    tasks: [
      'Labels Conflict Resolving',
      'Setup',
      'Sync GitHub Issues to Trello (name, messages, labels)',
      'Sync Trello Cards to GitHub (labels)',
      'Sync labels Updating/Deleting',
    ],
    buttons: ['DELETE_TRELLO_WEBHOOKS', 'PUSH_ALL_ISSUES', 'SETUP_GITHUB', 'SETUP_TRELLO'],
  },
};

test('serve --demo loads the demo projects archived, with their own tasks; they call no external API until configured', async () => {
  const server = await startServe(env, 120_000, { args: ['--demo'] });
  try {
    const token = server.token!;
    const { body: list } = await api(server.url, token, 'GET', '/projects?limit=50');
    const demos = list.items.filter((project: any) => project.name in DEMOS);
    assert.deepEqual(demos.map((project: any) => project.name).sort(), Object.keys(DEMOS).sort());
    assert.ok(
      demos.every((project: any) => project.active === false),
      'every demo is archived',
    );
    for (const project of demos) {
      const { body: tasks } = await api(server.url, token, 'GET', `/projects/${project.id}/tasks?limit=50`);
      assert.deepEqual(tasks.items.map((task: any) => task.name).sort(), DEMOS[project.name]!.tasks, project.name);
      const buttons: any[] = [];
      for (const task of tasks.items)
        buttons.push(...(await api(server.url, token, 'GET', `/tasks/${task.id}/triggers/button`)).body.items);
      assert.deepEqual(buttons.map((button) => button.trigger_name).sort(), DEMOS[project.name]!.buttons, project.name);
      for (const button of buttons) {
        const run = await api(server.url, token, 'POST', `/triggers/button/${button.id}/run`, { wait: true });
        assert.equal(run.status, 409, `${project.name} ${button.trigger_name}`);
        assert.equal(run.body.error.code, 'trigger_disabled');
      }
    }
    assert.deepEqual(externalApis.calls, [], 'no demo called an external API');

    const github = demos.find((project: any) => project.name === 'Demo: GitHub ↔ Trello');
    assert.equal((await api(server.url, token, 'PATCH', `/projects/${github.id}`, { name: 'My GitHub ↔ Trello' })).status, 200);
  } finally {
    assert.equal(await stop(server.child), 0);
  }

  const again = await startServe(env, 120_000, { args: ['--demo'] });
  try {
    const { body: list } = await api(again.url, again.token!, 'GET', '/projects?limit=50');
    const names = list.items.map((project: any) => project.name).sort();
    assert.deepEqual(
      names.filter((name: string) => /Demo|GitHub/.test(name)),
      ['Demo: Odoo ↔ Odoo', 'Demo: Telegram', 'My GitHub ↔ Trello'],
      'loaded once: not twice, and the renamed demo is kept as the user left it',
    );
  } finally {
    await stop(again.child);
  }
});
