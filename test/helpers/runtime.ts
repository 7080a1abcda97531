/**
 * A full sidecar stack under test, in-process: a fresh migrated database, the real store, and the
 * runtime and app `main.ts` builds (sandbox pool, job runtime with graphile-worker started, the
 * trigger registry started, the hono app with every route group). Configuration goes through the
 * real `loadConfig`, with short retry delays.
 */
import { createTokenVerifier, mintToken, type Role } from '../../server/src/auth/index.js';
import { loadConfig } from '../../server/src/config/index.js';
import { installQueue } from '../../server/src/jobs/index.js';
import { createRuntime, createSidecarApp, type OpenStore, type Runtime } from '../../server/src/main.js';
import type { EvalContextPlugin } from '../../server/src/plugins/index.js';
import { PluginRegistry } from '../../server/src/plugins/index.js';
import { ProjectStore } from '../../server/src/projects/index.js';
import { checkSecretKey, SecretCipher } from '../../server/src/secrets/index.js';
import { createLogger } from '../../server/src/shared/logger.js';
import { createTestDatabase, openTestDatabase, type TestDatabase } from './db.js';
import { TEST_SECRET } from './app.js';
import { pollUntil } from './poll.js';

export interface TestStack extends Runtime {
  db: TestDatabase;
  store: ProjectStore;
  app: ReturnType<typeof createSidecarApp>;
  call(role: Role, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  /** Creates an active project with one task and one trigger of `kind` (a cron one not due before 2100); returns their ids. */
  project(
    code: string,
    options?: {
      kind?: 'button' | 'cron' | 'webhook' | 'db';
      commonCode?: string;
      evalContexts?: string[];
      trigger?: Record<string, unknown>;
    },
  ): Promise<{ projectId: number; taskId: number; triggerId: number }>;
  /** Resolves when job `id` (with its sub-jobs) has settled, or rejects after `timeoutMs`. */
  settled(jobId: number, timeoutMs?: number): Promise<Record<string, any>>;
  close(): Promise<void>;
}

export async function createTestStack(
  options: { env?: Record<string, string>; plugins?: EvalContextPlugin[]; databaseUrl?: string } = {},
): Promise<TestStack> {
  // With databaseUrl (an Odoo double's database), the sidecar lives in Odoo's database, as in Odoo mode.
  const db = options.databaseUrl ? await openTestDatabase(options.databaseUrl, 20) : await createTestDatabase('ss_stack', 20);
  await installQueue(db.pool);
  const config = loadConfig({
    DATABASE_URL: db.url,
    SYNC_STUDIO_SECRET: TEST_SECRET,
    SYNC_STUDIO_RETRY_DELAYS: '0.2,0.3,0.4',
    SYNC_STUDIO_WORKERS: '1',
    SYNC_STUDIO_JOB_TIMEOUT: '10',
    PUBLIC_URL: 'http://sync.test',
    ...options.env,
  });
  const cipher = new SecretCipher(TEST_SECRET);
  await checkSecretKey(db.pool, cipher);
  const plugins = new PluginRegistry(options.plugins ?? []);
  const store = new ProjectStore(db.pool, cipher, (name) => plugins.get(name) !== undefined);
  const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
  const opened: OpenStore = {
    config,
    pool: db.pool,
    connectionString: db.url,
    credentials: { secret: TEST_SECRET, adminToken: undefined, adminTokenGenerated: false },
    cipher,
    store,
    plugins,
    close: async () => undefined,
  };
  const runtime = createRuntime(opened, logger);
  await runtime.runtime.start();
  await runtime.triggers.start();
  const app = createSidecarApp(opened, runtime, {
    logger,
    verifier: createTokenVerifier({ secret: TEST_SECRET }),
    ready: async () => runtime.runtime.started,
    checkResponses: true,
  });
  const exp = Math.floor(Date.now() / 1000) + 3600;
  const call: TestStack['call'] = async (role, method, path, body) => {
    const token = mintToken(TEST_SECRET, { uid: 2, db: 'odoo', role, exp });
    const response = await app.request(path, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    const json = response.headers.get('content-type')?.startsWith('application/json');
    return { status: response.status, body: json ? JSON.parse(text) : text || null };
  };
  return {
    ...runtime,
    db,
    store,
    app,
    call,
    async project(code, opts = {}) {
      const kind = opts.kind ?? 'button';
      const project = await store.create('project', null, {
        name: 'P',
        active: true,
        common_code: opts.commonCode ?? '',
        eval_contexts: opts.evalContexts ?? [],
      });
      const task = await store.create('task', project.id, { name: 'T', code });
      // A cron trigger's first slot is far away, so only Run Now (or the test) starts its jobs.
      const schedule = kind === 'cron' ? { nextcall: '2100-01-01T00:00:00Z' } : {};
      const trigger = await store.create(kind, task.id, { trigger_name: 'GO', ...schedule, ...opts.trigger });
      return { projectId: project.id, taskId: task.id, triggerId: trigger.id };
    },
    async settled(jobId, timeoutMs = 15_000) {
      let job: Record<string, any> | undefined;
      return pollUntil(
        () => `job ${jobId} to settle (state ${job?.state}, open sub-jobs ${job?.open_children})`,
        async () => {
          const { rows } = await db.pool.query(
            `select j.*, (select count(*)::int from sync_studio.job c where c.parent_job_id = j.id and c.state in ('pending','started')) as open_children
               from sync_studio.job j where j.id = $1`,
            [jobId],
          );
          job = rows[0];
          return job && !['pending', 'started'].includes(job.state) && job.open_children === 0 ? job : undefined;
        },
        { timeoutMs },
      );
    },
    async close() {
      await runtime.close();
      await db.drop();
    },
  };
}

export async function logsOf(stack: TestStack, jobId: number): Promise<{ level: string; type: string; name: string; message: string }[]> {
  const { rows } = await stack.db.pool.query('select level, type, name, message from sync_studio.log where job_id = $1 order by id', [
    jobId,
  ]);
  return rows;
}
