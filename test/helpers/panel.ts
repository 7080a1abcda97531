/**
 * One sidecar (`sync-studio serve`) and one Chromium per panel test file, with the helpers the
 * panel tests share. Standalone mode (embedded PostgreSQL, the printed panel URL) is what a
 * newcomer meets; the other files run the sidecar in Odoo mode on a test database, which starts
 * much faster.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { mintToken, type Role } from '../../server/src/auth/index.js';
import { artifactsDir, launchChromium } from './browser.js';
import { startServe, stop } from './cli.js';
import { createEmptyDatabase } from './db.js';

const secret = 'panel-test-secret-with-more-than-32-characters';

export interface PanelStack {
  serve: Awaited<ReturnType<typeof startServe>>;
  env: Record<string, string>;
  browser: Browser;
  admin: BrowserContext;
  page: Page;
  /** The panel URL that signs the administrator in (printed by the sidecar in standalone mode). */
  panelUrl: string;
  adminToken: string;
  api(path: string, init?: RequestInit): Promise<Response>;
  shot(p: Page, name: string): Promise<void>;
  tokenFor(role: Role, lifetimeSeconds?: number): string;
  close(): Promise<void>;
}

/**
 * A sidecar and a browser signed in as administrator. Mode `odoo` runs the sidecar on its own empty
 * database, or, with `odoo`, inside an Odoo double's database as a real deployment does (DB triggers).
 */
export async function startPanelStack(
  mode: 'standalone' | 'odoo' = 'odoo',
  options: { odoo?: { databaseUrl: string; env: Record<string, string> } } = {},
): Promise<PanelStack> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sync-studio-panel-'));
  const database = mode === 'odoo' && !options.odoo ? await createEmptyDatabase('ss_panel') : undefined;
  const shots = artifactsDir('panel');
  const env: Record<string, string> = { SYNC_STUDIO_DATA_DIR: dataDir, PORT: '0', SYNC_STUDIO_WORKERS: '1', SYNC_STUDIO_SECRET: secret };
  const databaseUrl = options.odoo?.databaseUrl ?? database?.url;
  if (databaseUrl) {
    Object.assign(
      env,
      { DATABASE_URL: databaseUrl, SYNC_STUDIO_ADMIN_TOKEN: `ssa_${randomBytes(18).toString('base64url')}` },
      options.odoo?.env,
    );
  }
  const serve = await startServe(env);
  // The stack's sidecar may have been restarted by then (stack.serve replaced): the one running is stopped.
  const stopSidecar = async (child = serve.child) => {
    await stop(child);
    await database?.drop();
    await rm(dataDir, { recursive: true, force: true });
  };
  env.PORT = new URL(serve.url).port;
  const adminToken = serve.token ?? env.SYNC_STUDIO_ADMIN_TOKEN!;
  // A browser that cannot start (Chromium not installed) must not leave the sidecar running.
  const browser = await launchChromium().catch(async (error: unknown) => {
    await stopSidecar();
    throw error;
  });
  const admin = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await admin.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: serve.url });
  const page = await admin.newPage();
  page.setDefaultTimeout(10_000);
  const stack: PanelStack = {
    serve,
    env,
    browser,
    admin,
    page,
    panelUrl: mode === 'standalone' ? serve.output().match(/Panel:\s+(\S+)/)![1]! : `${serve.url}/ui/#token=${adminToken}`,
    adminToken,
    api: (path, init = {}) =>
      fetch(`${stack.serve.url}/api${path}`, {
        ...init,
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json', ...init.headers },
      }),
    shot: async (p, name) => {
      await p.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
    },
    tokenFor: (role, lifetimeSeconds = 3600) =>
      mintToken(secret, { uid: 7, db: 'test', role, exp: Math.floor(Date.now() / 1000) + lifetimeSeconds }),
    close: async () => {
      await browser.close();
      await stopSidecar(stack.serve.child);
    },
  };
  return stack;
}

/** Replaces the editor's whole text (CodeMirror reads typed input, so insertText does what a paste does). */
export async function setCode(p: Page, code: string): Promise<void> {
  const editor = p.locator('.cm-content').first();
  await editor.click();
  await p.keyboard.press('ControlOrMeta+a');
  await p.keyboard.press('Delete');
  await p.keyboard.insertText(code);
}

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** The serious and critical accessibility violations axe-core finds on the page as it is (the page's CSP must let the script in). */
export async function seriousA11yViolations(p: Page, screen: string): Promise<string[]> {
  await p.addScriptTag({ path: axePath });
  const result = (await p.evaluate('axe.run(document, { resultTypes: ["violations"] })')) as {
    violations: { id: string; impact: string; help: string; nodes: { target: unknown }[] }[];
  };
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${screen}: ${v.id} (${v.impact}) ${v.help} — ${JSON.stringify(v.nodes.slice(0, 3).map((n) => n.target))}`);
}
