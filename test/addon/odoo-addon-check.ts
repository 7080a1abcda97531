/**
 * The addon in a real Odoo 16, end to end: `npm run check:odoo-addon` (after a build).
 *
 * Needs ODOO_SOURCE (a folder with Odoo 16's odoo-bin; its Python dependencies installed for
 * ODOO_PYTHON, default python3) and ODOO_URL (where this check starts its own Odoo, e.g.
 * http://127.0.0.1:8170: the port must be free). Without them it says it is skipped and exits 0.
 * ODOO_PG_URL (default postgres://odoo@127.0.0.1:5432/postgres) is the PostgreSQL role Odoo runs
 * as (not a superuser: Odoo refuses those).
 *
 * It writes an odoo.conf with `sync_studio_secret`, creates a database and installs the addon with
 * `odoo-bin -i`, starts Odoo and a real sidecar on that database, then checks groups, menus,
 * settings and "Test connection" (working, sidecar down, CORS origin missing, secret mismatch,
 * database mismatch), signs in as a user of each Sync Studio group and as an internal user without
 * one in headless Chromium and looks at the panel mounted inside Odoo (screenshots in
 * test-artifacts/odoo-addon/), and uninstalls the addon and checks that nothing is left in Odoo.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { chromium, type Browser, type Page } from 'playwright-core';
import { loadConfig } from '../../server/src/config/index.js';
import { serve, type RunningServer } from '../../server/src/main.js';
import { createLogger } from '../../server/src/shared/logger.js';
import { createEmptyDatabase } from '../helpers/db.js';

const source = process.env.ODOO_SOURCE;
const odooUrl = process.env.ODOO_URL?.replace(/\/+$/, '');
const skip =
  source && odooUrl ? false : 'set ODOO_SOURCE (Odoo 16 source folder) and ODOO_URL (where to start it) to run the real-Odoo addon check';
const python = process.env.ODOO_PYTHON ?? 'python3';
const pgUrl = new URL(process.env.ODOO_PG_URL ?? 'postgres://odoo@127.0.0.1:5432/postgres');
const addonsPath = new URL('../../../addon-bridge', import.meta.url).pathname;
const artifacts = new URL('../../../test-artifacts/odoo-addon/', import.meta.url).pathname;

const SECRET = `addon-check-${randomBytes(16).toString('hex')}`;
const database = `ssaddon_${randomBytes(4).toString('hex')}`;
const origin = odooUrl ? new URL(odooUrl).origin : '';
let workDir = '';
const configFile = () => join(workDir, 'odoo.conf');
const logFile = () => join(workDir, 'odoo.log');

let odoo: ChildProcess | undefined;
let sidecar: RunningServer | undefined;
let browser: Browser | undefined;
let odooDb: pg.Pool | undefined;
const users: Record<'user' | 'developer' | 'administrator' | 'internal', { login: string; password: string; uid: number }> = {} as never;

// ---------------------------------------------------------------- Odoo over JSON-RPC

let rpcId = 0;
async function rpc(service: string, method: string, args: unknown[]): Promise<any> {
  const response = await fetch(`${odooUrl}/jsonrpc`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', method: 'call', id: ++rpcId, params: { service, method, args } }),
  });
  const body = (await response.json()) as { result?: unknown; error?: { data?: { message?: string } } };
  if (body.error) throw new Error(`Odoo ${method}: ${body.error.data?.message ?? JSON.stringify(body.error)}`);
  return body.result;
}
const ADMIN = { uid: 2, password: 'admin' };
function execute(model: string, method: string, args: unknown[], kwargs: object = {}, as = ADMIN): Promise<any> {
  return rpc('object', 'execute_kw', [database, as.uid, as.password, model, method, args, kwargs]);
}
async function xmlid(ref: string): Promise<number> {
  const [module, name] = ref.split('.');
  const [row] = (await odooDb!.query('select res_id from ir_model_data where module = $1 and name = $2', [module, name])).rows;
  assert.ok(row, `${ref} exists`);
  return row.res_id as number;
}
async function visibleMenuXmlids(as: { uid: number; password: string }): Promise<string[]> {
  const menus = await execute('ir.ui.menu', 'load_menus', [false], {}, as);
  const ids = Object.keys(menus)
    .filter((k) => k !== 'root')
    .map(Number);
  const rows = (
    await odooDb!.query(`select module || '.' || name as xmlid from ir_model_data where model = 'ir.ui.menu' and res_id = any($1)`, [ids])
  ).rows;
  return rows.map((r) => r.xmlid as string);
}

// ---------------------------------------------------------------- processes

function runOdooBin(args: string[]): void {
  const result = spawnSync(python, [join(source!, 'odoo-bin'), '-c', configFile(), ...args], { encoding: 'utf8', timeout: 15 * 60_000 });
  assert.equal(result.status, 0, `odoo-bin ${args.join(' ')} failed:\n${result.stderr.slice(-3000)}\n${readLog().slice(-3000)}`);
}
function readLog(): string {
  try {
    return readFileSync(logFile(), 'utf8');
  } catch {
    return '';
  }
}
async function startOdoo(): Promise<void> {
  odoo = spawn(python, [join(source!, 'odoo-bin'), '-c', configFile()], { stdio: 'ignore' });
  for (let i = 0; i < 240; i++) {
    if (odoo.exitCode !== null) throw new Error(`Odoo exited at start:\n${readLog().slice(-3000)}`);
    const up = await fetch(`${odooUrl}/web/webclient/version_info`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    })
      .then((r) => r.ok)
      .catch(() => false);
    if (up) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error('Odoo did not answer within 2 minutes');
}
async function startSidecar(env: Record<string, string>): Promise<RunningServer> {
  return serve(loadConfig({ PORT: '0', SYNC_STUDIO_WORKERS: '1', SYNC_STUDIO_LOG_LEVEL: 'warn', ...env }), createLogger('warn'));
}
function odooDatabaseUrl(name: string): string {
  const url = new URL(pgUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

// ---------------------------------------------------------------- browser

async function signIn(login: string, password: string): Promise<Page> {
  const context = await browser!.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.setDefaultTimeout(120_000); // Odoo builds its asset bundles on first use; slow on a loaded machine
  await page.goto(`${odooUrl}/web/login?db=${database}`);
  await page.fill('input[name=login]', login);
  await page.fill('input[name=password]', password);
  await Promise.all([page.waitForURL(/\/web(#|\?|$)/), page.click('button[type=submit]')]);
  return page;
}
/** Opens a Sync Studio menu entry; resolves with the roles carried by the tokens the panel sent to the sidecar. */
async function openPanel(page: Page, action: string): Promise<{ roles: Set<string> }> {
  const roles = new Set<string>();
  page.on('request', (request) => {
    const auth = request.headers().authorization;
    if (request.url().startsWith(sidecar!.url) && auth?.startsWith('Bearer ')) {
      roles.add(JSON.parse(Buffer.from(auth.slice(7).split('.')[0]!, 'base64url').toString()).role);
    }
  });
  const apiAnswered = page.waitForResponse((response) => response.url().startsWith(`${sidecar!.url}/api/`)).catch(() => undefined);
  await page.goto(`${odooUrl}/web#action=sync_studio_bridge.${action}`);
  await page.waitForSelector('.o_sync_studio_action');
  await page.waitForFunction(
    "document.querySelector('.o_sync_studio_error') || document.querySelector('.o_sync_studio_host')?.childElementCount > 0",
  );
  if ((await page.locator('.o_sync_studio_error').count()) === 0) {
    await apiAnswered;
    await page.waitForTimeout(1500); // the panel renders what the API answered
  }
  return { roles };
}

// ---------------------------------------------------------------- the check

describe('sync_studio_bridge in a real Odoo 16', { skip }, () => {
  before(async () => {
    mkdirSync(artifacts, { recursive: true });
    workDir = mkdtempSync(join(tmpdir(), 'sync-studio-odoo-'));
    const port = new URL(odooUrl!).port || '80';
    writeFileSync(
      configFile(),
      [
        '[options]',
        `addons_path = ${join(source!, 'odoo', 'addons')},${addonsPath}`,
        `data_dir = ${join(workDir, 'data')}`,
        `db_host = ${pgUrl.hostname}`,
        `db_port = ${pgUrl.port || 5432}`,
        `db_user = ${decodeURIComponent(pgUrl.username)}`,
        `db_password = ${decodeURIComponent(pgUrl.password) || 'False'}`,
        `dbfilter = ^${database}$`,
        'list_db = False',
        'admin_passwd = admin',
        `http_interface = ${new URL(odooUrl!).hostname}`,
        `http_port = ${port}`,
        'workers = 0',
        'max_cron_threads = 0',
        'without_demo = all',
        `logfile = ${logFile()}`,
        // The secret lives in Odoo's configuration file, as docs/deploy.md says.
        `sync_studio_secret = ${SECRET}`,
        '',
      ].join('\n'),
    );
    runOdooBin(['-d', database, '-i', 'sync_studio_bridge', '--stop-after-init', '--no-http']);
    odooDb = new pg.Pool({ connectionString: odooDatabaseUrl(database), max: 2 });
    await startOdoo();
    sidecar = await startSidecar({
      DATABASE_URL: odooDatabaseUrl(database),
      SYNC_STUDIO_SECRET: SECRET,
      SYNC_STUDIO_ODOO_ORIGIN: origin,
    });
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    // Odoo's public URL, as an administrator's first sign-in would set it (Test connection uses it outside a browser request).
    await execute('ir.config_parameter', 'set_param', ['web.base.url', odooUrl]);
    const internalUser = await xmlid('base.group_user');
    for (const [key, group] of [
      ['user', 'sync_studio_bridge.group_sync_studio_user'],
      ['developer', 'sync_studio_bridge.group_sync_studio_developer'],
      ['administrator', 'sync_studio_bridge.group_sync_studio_administrator'],
      ['internal', undefined], // the default groups of a new internal user
    ] as const) {
      const login = `check_${key}_${randomBytes(3).toString('hex')}`;
      const groups = group
        ? {
            groups_id: [
              [4, internalUser],
              [4, await xmlid(group)],
            ],
          }
        : {};
      const uid = await execute('res.users', 'create', [{ name: `Check ${key}`, login, password: login, ...groups }]);
      users[key] = { login, password: login, uid };
    }
  });

  after(async () => {
    await browser?.close();
    await sidecar?.close();
    await odooDb?.end();
    if (odoo && odoo.exitCode === null) {
      odoo.kill('SIGTERM');
      await new Promise((resolve) => odoo!.once('exit', resolve));
    }
    {
      const admin = new pg.Client({ connectionString: pgUrl.toString() });
      await admin.connect();
      await admin.query(`drop database if exists ${database} with (force)`);
      await admin.end();
    }
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });

  test('groups: User ⊂ Developer ⊂ Administrator; Settings administrators are Sync Studio administrators; others get none', async () => {
    const [user, developer, administrator, system] = (await Promise.all(
      [
        'sync_studio_bridge.group_sync_studio_user',
        'sync_studio_bridge.group_sync_studio_developer',
        'sync_studio_bridge.group_sync_studio_administrator',
        'base.group_system',
      ].map(xmlid),
    )) as [number, number, number, number];
    const groups = await execute('res.groups', 'read', [[user, developer, administrator, system]], {
      fields: ['full_name', 'implied_ids'],
    });
    assert.deepEqual(
      groups.slice(0, 3).map((g: any) => g.full_name),
      ['Sync Studio / User', 'Sync Studio / Developer', 'Sync Studio / Administrator'],
    );
    assert.ok(groups[1].implied_ids.includes(user));
    assert.ok(groups[2].implied_ids.includes(developer));
    assert.ok(groups[3].implied_ids.includes(administrator), 'base.group_system implies Sync Studio administrator');
    const adminGroups: number[] = (await execute('res.users', 'read', [[2]], { fields: ['groups_id'] }))[0].groups_id;
    assert.ok(adminGroups.includes(administrator), 'the Settings administrator is a Sync Studio administrator');
    const internalGroups: number[] = (await execute('res.users', 'read', [[users.internal.uid]], { fields: ['groups_id'] }))[0].groups_id;
    assert.ok(internalGroups.includes(await xmlid('base.group_user')), 'the plain user is an internal user');
    assert.deepEqual(
      internalGroups.filter((g) => [user, developer, administrator].includes(g)),
      [],
      'an ordinary internal user has no Sync Studio group',
    );
    const developerGroups: number[] = (await execute('res.users', 'read', [[users.developer.uid]], { fields: ['groups_id'] }))[0].groups_id;
    assert.ok(developerGroups.includes(user) && !developerGroups.includes(administrator));
  });

  test('menu: Sync Studio with Projects, Jobs, Logs for the three groups only (Settings for Settings administrators)', async () => {
    const app = ['sync_studio_bridge.menu_sync_studio_root', 'sync_studio_bridge.menu_sync_studio_projects'];
    const entries = ['sync_studio_bridge.menu_sync_studio_jobs', 'sync_studio_bridge.menu_sync_studio_logs'];
    for (const key of ['user', 'developer', 'administrator'] as const) {
      const menus = await visibleMenuXmlids(users[key]);
      for (const menu of [...app, ...entries]) assert.ok(menus.includes(menu), `${key} sees ${menu}`);
      assert.ok(!menus.includes('sync_studio_bridge.menu_sync_studio_settings'), `${key} does not see Settings`);
    }
    const internal = await visibleMenuXmlids(users.internal);
    assert.deepEqual(
      internal.filter((m) => m.startsWith('sync_studio_bridge.')),
      [],
    );
    assert.ok((await visibleMenuXmlids(ADMIN)).includes('sync_studio_bridge.menu_sync_studio_settings'));
    const [root] = await execute('ir.ui.menu', 'read', [[await xmlid('sync_studio_bridge.menu_sync_studio_root')]], {
      fields: ['name', 'web_icon', 'parent_id'],
    });
    assert.equal(root.name, 'Sync Studio');
    assert.equal(root.parent_id, false, 'a top-level app');
    assert.equal(root.web_icon, 'sync_studio_bridge,static/description/icon.png');
  });

  test('settings: the sidecar URL is a system parameter, the secret is never in the database', async () => {
    const settings = await execute('res.config.settings', 'create', [{ sync_studio_sidecar_url: `${sidecar!.url}/` }]);
    await execute('res.config.settings', 'execute', [[settings]]);
    const [param] = (await odooDb!.query(`select value from ir_config_parameter where key = 'sync_studio.sidecar_url'`)).rows;
    assert.equal(param?.value, sidecar!.url, 'stored without the trailing slash');
    const [state] = await execute('res.config.settings', 'read', [[settings]], { fields: ['sync_studio_secret_state'] });
    assert.equal(state.sync_studio_secret_state, 'configured');
    const leaks = await odooDb!.query(`select key from ir_config_parameter where value like '%' || $1 || '%'`, [SECRET]);
    assert.deepEqual(leaks.rows, []);
    await assert.rejects(
      execute('res.config.settings', 'create', [{ sync_studio_sidecar_url: 'ftp://nope' }]).then((id) =>
        execute('res.config.settings', 'execute', [[id]]),
      ),
      /must be an http\(s\) URL/,
    );
  });

  async function testConnection(values: object): Promise<{ type: string; message: string }> {
    const id = await execute('res.config.settings', 'create', [{ sync_studio_sidecar_url: sidecar!.url, ...values }]);
    const action = await execute('res.config.settings', 'action_sync_studio_test_connection', [[id]]);
    return action.params;
  }

  test('Test connection says what is wrong: nothing, sidecar down, CORS origin, secret, database', async () => {
    const ok = await testConnection({});
    assert.equal(ok.type, 'success', ok.message);
    assert.match(ok.message, new RegExp(`Connected: .* serves database ${database} .* as administrator`));

    const down = await testConnection({ sync_studio_server_url: 'http://127.0.0.1:9' });
    assert.equal(down.type, 'danger');
    assert.match(down.message, /sidecar is down or unreachable/);

    const odooEnv = { ODOO_URL: odooUrl!, ODOO_DB: database, ODOO_USER: 'admin', ODOO_PASSWORD: 'admin' };
    for (const [name, env, expected] of [
      ['CORS origin missing', { SYNC_STUDIO_SECRET: SECRET, ...odooEnv }, /CORS policy does not admit this Odoo/],
      ['secret mismatch', { SYNC_STUDIO_SECRET: `${SECRET}-other`, SYNC_STUDIO_ODOO_ORIGIN: origin, ...odooEnv }, /Secret mismatch/],
      [
        'database mismatch',
        { SYNC_STUDIO_SECRET: SECRET, SYNC_STUDIO_ODOO_ORIGIN: origin, ...odooEnv, ODOO_DB: 'another_database' },
        /Database mismatch/,
      ],
    ] as const) {
      // Each wrong sidecar is a real one on its own database.
      const own = await createEmptyDatabase('ss_addon_check');
      const wrong = await startSidecar({ DATABASE_URL: own.url, ...env });
      try {
        const answer = await testConnection({ sync_studio_server_url: wrong.url });
        assert.equal(answer.type, 'danger', `${name}: ${answer.message}`);
        assert.match(answer.message, expected, name);
      } finally {
        await wrong.close();
        await own.drop();
      }
    }
  });

  test('the settings page in the browser: Sync Studio section, secret configured, Test connection', async () => {
    const page = await signIn('admin', 'admin');
    await page.goto(`${odooUrl}/web#action=sync_studio_bridge.action_sync_studio_settings`);
    const block = page.locator('.app_settings_block[data-key="sync_studio_bridge"]');
    await block.waitFor();
    assert.match(await block.innerText(), /configured/);
    await page.click('button[name=action_sync_studio_test_connection]');
    const notification = page.locator('.o_notification').first();
    await notification.waitFor({ timeout: 30_000 });
    assert.match(await notification.innerText(), /Connected/);
    await page.screenshot({ path: join(artifacts, 'settings.png') });
    await page.context().close();
  });

  for (const key of ['user', 'developer', 'administrator'] as const) {
    test(`a Sync Studio ${key} opens Projects, Jobs and Logs: the panel is mounted inside Odoo with the ${key} role`, async () => {
      const page = await signIn(users[key].login, users[key].password);
      const html = await page.content();
      assert.ok(!html.includes(SECRET), 'the secret never reaches the browser');
      for (const [action, title] of [
        ['action_sync_studio_projects', 'Projects'],
        ['action_sync_studio_jobs', 'Jobs'],
        ['action_sync_studio_logs', 'Logs'],
      ] as const) {
        const { roles } = await openPanel(page, action);
        const error = await page.locator('.o_sync_studio_error').count();
        if (error) assert.fail(`the panel did not mount: ${await page.locator('.o_sync_studio_error').innerText()}`);
        assert.match(await page.locator('.o_control_panel .breadcrumb').innerText(), new RegExp(title));
        assert.deepEqual([...roles], [key], `the panel called the sidecar with ${key} tokens`);
        if (title === 'Projects') {
          const create = await page.getByRole('button', { name: 'New', exact: true }).count();
          assert.equal(create, key === 'administrator' ? 1 : 0, `the panel offers project creation to administrators only (${key})`);
        }
        await page.screenshot({ path: join(artifacts, `${key}-${title.toLowerCase()}.png`) });
      }
      await page.context().close();
    });
  }

  test('an internal user without a Sync Studio group has no menu and gets no token', async () => {
    const page = await signIn(users.internal.login, users.internal.password);
    await openPanel(page, 'action_sync_studio_projects');
    assert.match(await page.locator('.o_sync_studio_error').innerText(), /no Sync Studio group/);
    await page.screenshot({ path: join(artifacts, 'internal-user.png') });
    await page.context().close();
  });

  test('uninstalling leaves Odoo clean and says how to remove the sidecar data', async () => {
    const [module] = await execute('ir.module.module', 'search', [[['name', '=', 'sync_studio_bridge']]]);
    const wizard = await execute('base.module.uninstall', 'create', [{ module_id: module }]);
    const [note] = await execute('base.module.uninstall', 'read', [[wizard]], { fields: ['sync_studio_uninstalled'] });
    assert.equal(note.sync_studio_uninstalled, true, 'the uninstall dialog shows the note on the sidecar data');
    await execute('ir.module.module', 'button_immediate_uninstall', [[module]]);
    const left = await odooDb!.query(`
      select 'xmlid ' || name as what from ir_model_data where module = 'sync_studio_bridge'
      union all select 'parameter ' || key from ir_config_parameter where key like 'sync_studio.%'
      union all select 'menu ' || id from ir_ui_menu where name->>'en_US' = 'Sync Studio'
      union all select 'category ' || id from ir_module_category where name->>'en_US' = 'Sync Studio'
      union all select 'view ' || id from ir_ui_view where arch_db->>'en_US' like '%sync_studio%'`);
    assert.deepEqual(left.rows, []);
    const [state] = (await odooDb!.query(`select state from ir_module_module where name = 'sync_studio_bridge'`)).rows;
    assert.equal(state.state, 'uninstalled');
    assert.match(readLog(), /sync-studio uninstall-capture/);
  });
});
