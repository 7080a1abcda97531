/**
 * Demo tests' harness: an Odoo double, a sidecar stack living in its database (Odoo mode) with the
 * built-in plugins pointed at local stub servers, and the demo's project file imported from
 * server/samples/demos, its secrets set and the project activated.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { builtInPlugins, type PluginUrls } from '../../server/src/plugins/index.js';
import { importProjectXml } from '../../server/src/projects/xml/index.js';
import { SecretCipher } from '../../server/src/secrets/index.js';
import { samplesDir } from '../../server/src/shared/paths.js';
import { createJsonRpcClient, type OdooClient } from '../../server/src/odoo/index.js';
import { adminPassword, startOdooDouble, type OdooDouble } from '../odoo-double/index.js';
import { TEST_SECRET } from '../helpers/app.js';
import { pollUntil } from '../helpers/poll.js';
import { createTestStack, type TestStack } from '../helpers/runtime.js';

export interface DemoHarness {
  odoo: OdooDouble;
  s: TestStack;
  rpc: OdooClient;
  projectId: number;
  /** Runs a manual trigger of the demo and waits for the job (and its sub-jobs) to settle. */
  press(triggerName: string): Promise<Record<string, any>>;
  /** Posts to a webhook of the demo by its public URL, as the external system would. */
  post(url: string, init: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

export async function startDemo(
  file: string,
  options: { urls?: PluginUrls; secrets?: Record<string, string>; params?: Record<string, string>; databases?: string[] },
): Promise<DemoHarness> {
  const odoo = await startOdooDouble({ databases: options.databases ?? ['odoo'] });
  const s = await createTestStack({
    databaseUrl: odoo.databaseUrl('odoo'),
    plugins: builtInPlugins(options.urls ?? {}),
    env: { ODOO_URL: odoo.url, ODOO_DB: 'odoo', ODOO_USER: 'admin', ODOO_PASSWORD: adminPassword },
  });
  const xml = await readFile(join(samplesDir, 'demos', file), 'utf8');
  const report = await importProjectXml(s.db.pool, xml, { cipher: new SecretCipher(TEST_SECRET), knownPlugins: () => true });
  const projectId = report.project!.id;
  for (const [key, value] of Object.entries(options.secrets ?? {})) {
    const { rows } = await s.db.pool.query('select id from sync_studio.project_secret where project_id = $1 and key = $2', [
      projectId,
      key,
    ]);
    await s.store.update('secret', rows[0].id, { value });
  }
  for (const [key, value] of Object.entries(options.params ?? {})) {
    const { rows } = await s.db.pool.query('select id from sync_studio.project_param where project_id = $1 and key = $2', [projectId, key]);
    await s.store.update('param', rows[0].id, { value });
  }
  await s.store.update('project', projectId, { active: true });
  await s.triggers.kinds.db.service.reconcileCapture();
  const rpc = createJsonRpcClient({ url: odoo.url, db: 'odoo', login: 'admin', password: adminPassword });
  return {
    odoo,
    s,
    rpc,
    projectId,
    async press(triggerName) {
      const { rows } = await s.db.pool.query(
        `select b.id from sync_studio.trigger_button b join sync_studio.task t on t.id = b.task_id
          where t.project_id = $1 and b.trigger_name = $2`,
        [projectId, triggerName],
      );
      const res = await s.call('developer', 'POST', `/api/triggers/button/${rows[0].id}/run`, { wait: true });
      return s.settled(res.body.job_id, 60_000);
    },
    post: (url, init) => Promise.resolve(s.app.request(new URL(url).pathname, init)),
    async close() {
      rpc.close();
      await s.close();
      await odoo.stop();
    },
  };
}

/** The settled jobs a trigger of `kind` named `name` started, once there are `count`. */
export async function jobsOfTrigger(h: DemoHarness, kind: 'db' | 'cron' | 'webhook', name: string, count: number) {
  return pollUntil(
    `${count} settled jobs of ${kind} trigger ${name}`,
    async () => {
      const { rows } = await h.s.db.pool.query(
        `select j.id, j.state, j.attempts, j.error from sync_studio.job j
        where j.trigger_kind = $1 and j.trigger_name = $2 and j.project_id = $3 order by j.id`,
        [kind, name, h.projectId],
      );
      return rows.length >= count && rows.every((r) => !['pending', 'started'].includes(r.state)) ? rows : undefined;
    },
    { timeoutMs: 60_000 },
  );
}

export async function logLines(h: DemoHarness, jobId: number): Promise<string> {
  const { rows } = await h.s.db.pool.query('select level, type, name, message from sync_studio.log where job_id = $1 order by id', [jobId]);
  return rows.map((r) => `${r.level} ${r.type} ${r.name}: ${r.message}`).join('\n');
}
