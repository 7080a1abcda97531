/**
 * DB trigger tests' harness: an Odoo double and a sidecar stack living in the double's database
 * (as in Odoo mode), a JSON-RPC client, and helpers to create DB triggers, wait for capture and
 * collect a trigger's settled jobs. `useDbTriggerHarness()` registers the before/after hooks.
 */
import { after, afterEach, before } from 'node:test';
import pg from 'pg';
import { createJsonRpcClient, type OdooClient } from '../../server/src/odoo/index.js';
import { adminPassword, startOdooDouble, type OdooDouble } from '../odoo-double/index.js';
import { createTestStack, type TestStack } from './runtime.js';

export let odoo: OdooDouble;
export let s: TestStack;
export let rpc: OdooClient;

export const HANDLER = `async function handle_db(records) {
  return { ids: records.ids, names: records.mapped('name'), emails: records.mapped('email'), user: user && user.id,
           first: records.length ? { write_uid: records[0].write_uid, create_date: records[0].create_date } : null };
}`;

/** `env`: settings of the sidecar besides Odoo's (e.g. its wake-up mode). */
export function useDbTriggerHarness(env: Record<string, string> = {}): void {
  before(async () => {
    odoo = await startOdooDouble({ databases: ['odoo'] });
    s = await createTestStack({
      databaseUrl: odoo.databaseUrl('odoo'),
      env: { ODOO_URL: odoo.url, ODOO_DB: 'odoo', ODOO_USER: 'admin', ODOO_PASSWORD: adminPassword, SYNC_STUDIO_DB_CHUNK: '1000', ...env },
    });
    rpc = createJsonRpcClient({ url: odoo.url, db: 'odoo', login: 'admin', password: adminPassword });
  });
  // A test that failed before disabling its triggers must not leave capture wanted for the next ones.
  afterEach(async () => {
    const { rows } = await s.db.pool.query<{ id: number }>('select id from sync_studio.trigger_db where active');
    for (const { id } of rows) await disable(id);
  });
  after(async () => {
    rpc.close();
    await s.close();
    await odoo.stop();
  });
}

export async function dbTrigger(trigger: Record<string, unknown>, code = HANDLER): Promise<number> {
  const { triggerId } = await s.project(code, { kind: 'db', trigger: { model: 'res.partner', ...trigger } });
  if (trigger.kind !== 'on_time') await captureInstalled(true);
  return triggerId;
}

export async function pgTriggers(): Promise<string[]> {
  const { rows } = await s.db.pool.query<{ name: string }>(
    `select c.relname || '.' || t.tgname as name from pg_trigger t join pg_class c on c.oid = t.tgrelid where t.tgname like 'sync\\_studio\\_%' order by 1`,
  );
  return rows.map((r) => r.name);
}

/** Waits until capture on res_partner is (or is not) installed and up to date. */
export async function captureInstalled(wanted: boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const result = await s.triggers.kinds.db.service.reconcileCapture().catch(() => undefined);
    const present = (await pgTriggers()).some((t) => t.startsWith('res_partner.'));
    if (result && present === wanted) return;
    if (Date.now() > deadline) throw new Error(`capture on res_partner did not become ${wanted ? 'installed' : 'removed'}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface JobRow {
  id: number;
  state: string;
  odoo_user_id: number | null;
  result: any;
  args: any;
}

/** The settled jobs of a trigger, once `count` exist (then waits a little longer to catch extra ones). */
export async function jobsOf(triggerId: number, count: number, timeoutMs = 60_000): Promise<JobRow[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await s.db.pool.query<JobRow>(
      `select id, state, odoo_user_id, result, args from sync_studio.job where trigger_kind = 'db' and trigger_id = $1 order by id`,
      [triggerId],
    );
    if (rows.length >= count && rows.every((r) => !['pending', 'started'].includes(r.state))) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const again = await s.db.pool.query<JobRow>(
        `select id, state, odoo_user_id, result, args from sync_studio.job where trigger_kind = 'db' and trigger_id = $1 order by id`,
        [triggerId],
      );
      if (again.rows.length === rows.length) return rows;
      continue;
    }
    if (Date.now() > deadline) throw new Error(`trigger ${triggerId}: ${rows.length} jobs, expected ${count}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export async function disable(triggerId: number): Promise<void> {
  await s.store.update('db', triggerId, { active: false });
}

export async function inTransaction(statements: (client: pg.Client) => Promise<void>): Promise<void> {
  const client = new pg.Client({ connectionString: odoo.databaseUrl('odoo') });
  await client.connect();
  try {
    await client.query('begin');
    await statements(client);
    await client.query('commit');
  } finally {
    await client.end();
  }
}
