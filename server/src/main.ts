/**
 * Composition root: config → HTTP port bound (PORT 0 becomes a real port) → database (embedded or
 * Odoo's) → migrations → secret-key check → store → job runner → HTTP app; and the graceful
 * shutdown that undoes it in reverse order.
 * The CLI commands call `openStore` (everything but the servers) or `serve`.
 */
import { serve as serveHttp, type ServerType } from '@hono/node-server';
import { parseCronItem } from 'graphile-worker';
import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTokenVerifier } from './auth/index.js';
import { withBoundPort, type Config } from './config/index.js';
import { resolveCredentials, type Credentials } from './config/standalone.js';
import { createPool, migrate, startEmbeddedPostgres, type Pool } from './db/index.js';
import { TaskHttpClient } from './egress/index.js';
import { createApp } from './http/app.js';
import { ProjectStore } from './projects/index.js';
import { bindOlderSecrets, checkSecretKey, SecretCipher } from './secrets/index.js';
import type { Logger } from './shared/logger.js';
import { SyncStudioError } from './shared/errors.js';
import { loadSampleProjectOnce } from './projects/sample.js';
import { installQueue, SyncJobRuntime } from './jobs/index.js';
import { createJsonRpcClient, type OdooClient } from './odoo/index.js';
import { builtInPlugins, PluginRegistry } from './plugins/index.js';
import { pluginRoutes } from './http/routes/plugins.js';
import { projectFileRoutes } from './http/routes/project-files.js';
import { metricsRoutes } from './http/routes/metrics.js';
import { LiveLogHub, LogWriter, pruneOldRuns } from './runs/index.js';
import { createSandboxPool, type SandboxPool } from './sandbox/index.js';
import { executeLinkOp } from './links/index.js';
import { linkRoutes } from './http/routes/links.js';
import { runRoutes } from './http/routes/runs.js';
import { systemClock } from './shared/clock.js';
import { CronScheduler, DbTriggerService, httpServerOptions, WebhookService, webhookRoutes } from './triggers/index.js';
import { dbTriggerRoutes } from './http/routes/db-triggers.js';
import { webhookApiRoutes } from './http/routes/webhooks.js';
import { panelRoutes } from './http/routes/panel.js';

/** Whether the panel bundle is built (the CLI prints the panel's URL then). */
export { panelBuilt } from './http/routes/panel.js';

/** How long answers still being written may take once the runtime has stopped. */
const HTTP_DRAIN_MS = 5000;

export interface OpenStore {
  config: Config;
  pool: Pool;
  connectionString: string;
  credentials: Credentials;
  cipher: SecretCipher;
  store: ProjectStore;
  plugins: PluginRegistry;
  close(): Promise<void>;
}

/** Opens the database (starting the embedded one in standalone mode), migrates it and checks the secret key. */
export async function openStore(
  config: Config,
  logger: Logger,
  plugins = new PluginRegistry(builtInPlugins(config.pluginUrls)),
): Promise<OpenStore> {
  const credentials = await resolveCredentials(config);
  const embedded =
    config.mode === 'standalone' ? await startEmbeddedPostgres(config.dataDir, { onLog: (line) => logger.debug({ pg: line }) }) : undefined;
  const connectionString = embedded?.connectionString ?? config.databaseUrl!;
  const pool = createPool(connectionString, 20);
  const close = async () => {
    await pool.end();
    await embedded?.stop();
  };
  try {
    const { applied } = await migrate(pool);
    if (applied.length > 0) logger.info({ applied }, 'migrations applied');
    await installQueue(pool);
    const cipher = new SecretCipher(credentials.secret);
    await checkSecretKey(pool, cipher);
    const bound = await bindOlderSecrets(pool, cipher);
    if (bound > 0) logger.info({ bound }, 'secret values re-encrypted for their rows (migration 000005)');
    const store = new ProjectStore(pool, cipher, (name) => plugins.get(name) !== undefined);
    return { config, pool, connectionString, credentials, cipher, store, plugins, close };
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}

export interface RunningServer {
  url: string;
  store: OpenStore;
  runtime: SyncJobRuntime;
  close(): Promise<void>;
}

export interface Runtime {
  runtime: SyncJobRuntime;
  sandbox: SandboxPool;
  odoo: OdooClient | undefined;
  cron: CronScheduler;
  webhooks: WebhookService;
  dbTriggers: DbTriggerService;
  /** The one reader behind every live log stream of this sidecar. */
  liveLogs: LiveLogHub;
  close(): Promise<void>;
}

/** The sandbox pool, the Odoo client and the job runtime over an open store (not started). */
export function createRuntime(opened: OpenStore, logger: Logger): Runtime {
  const { config, pool, plugins } = opened;
  const http = new TaskHttpClient({ allow: config.egressAllow, maxBytes: config.httpMaxBytes, concurrency: config.httpConcurrency });
  const sandbox = createSandboxPool({
    workers: config.sandboxWorkers,
    memoryMb: config.jobMemoryMb,
    logger,
    hostBytes: () => http.heldBytes(),
  });
  const odoo =
    config.odooUrl === undefined
      ? undefined
      : createJsonRpcClient({ url: config.odooUrl, db: config.odooDb!, login: config.odooUser!, password: config.odooPassword! });
  const historyPool = createPool(opened.connectionString, 5, { synchronousCommit: false });
  const logs = new LogWriter(historyPool, logger);
  const runtime = new SyncJobRuntime({
    pool,
    historyPool,
    connectionString: opened.connectionString,
    sandbox,
    logs,
    plugins,
    cipher: opened.cipher,
    odoo,
    http,
    envAllowModels: config.envAllowModels,
    maxLogLines: config.jobMaxLogLines,
    maxImmediateRuns: config.sandboxQueue,
    links: (op) => executeLinkOp(pool, op),
    jobTimeoutSeconds: config.jobTimeoutSeconds,
    retryDelaysSeconds: config.retryDelays,
    publicUrl: config.publicUrl,
    queueConcurrency: config.queueConcurrency,
    logger,
    clock: systemClock,
  });
  runtime.registerQueueHandler(
    'sync_studio.prune',
    async () => {
      const pruned = await pruneOldRuns(pool, config.retentionDays, systemClock.now());
      logger.info({ pruned }, 'old jobs, logs and webhook requests pruned');
    },
    parseCronItem({ task: 'sync_studio.prune', match: '17 * * * *', options: { backfillPeriod: 0, maxAttempts: 1 } }),
  );
  const cron = new CronScheduler({ pool, jobs: runtime, clock: systemClock, logger });
  cron.register(runtime);
  const stopRescheduling = opened.store.onChange(cron.onChange);
  const webhooks = new WebhookService({
    pool,
    historyPool,
    jobs: runtime,
    publicUrl: config.publicUrl,
    maxBytes: config.webhookMaxBytes,
    limits: { ratePerSecond: config.webhookRate, concurrency: config.webhookConcurrency },
  });
  runtime.registerArgsResolver('webhook', (job) => webhooks.argsOfJob(job));
  const stopForgetting = opened.store.onChange(() => webhooks.forget());
  const dbTriggers = new DbTriggerService({
    pool,
    connectionString: opened.connectionString,
    jobs: runtime,
    instanceId: runtime.instanceId,
    odoo,
    settings: {
      mode: config.mode,
      wakeup: config.dbWakeup,
      pollMs: config.dbPollMs,
      chunkSize: config.dbChunkSize,
      eventRetentionHours: config.dbEventRetentionHours,
    },
    clock: systemClock,
    logger,
  });
  const stopDbTriggers = dbTriggers.register(runtime, opened.store);
  const liveLogs = new LiveLogHub(pool, logger);
  return {
    runtime,
    sandbox,
    odoo,
    cron,
    webhooks,
    dbTriggers,
    liveLogs,
    close: async () => {
      liveLogs.close();
      stopRescheduling();
      stopForgetting();
      stopDbTriggers();
      await dbTriggers.stop();
      await cron.idle();
      // Running jobs get the grace to finish; then the sandbox stops them and they are written as interrupted.
      const stopped = runtime.stop();
      const graceOver = sleep(config.shutdownGraceSeconds * 1000, 'over' as const, { ref: false });
      if ((await Promise.race([stopped.then(() => 'stopped' as const), graceOver])) === 'over') {
        logger.warn({ graceSeconds: config.shutdownGraceSeconds }, 'shutting down: interrupting the jobs still running');
        await sandbox.close();
      }
      await stopped;
      await historyPool.end();
      await sandbox.close();
      odoo?.close();
    },
  };
}

export async function serve(given: Config, logger: Logger): Promise<RunningServer> {
  // Bound before anything derives a URL from the port: with PORT 0, webhook URLs name the port bound.
  const listener = await listen(given);
  const config = withBoundPort(given, listener.port);
  const opened = await openStore(config, logger).catch(async (error: unknown) => {
    await listener.close();
    throw error;
  });
  const { runtime, sandbox, odoo, cron, webhooks, dbTriggers, liveLogs, close: closeRuntime } = createRuntime(opened, logger);
  try {
    if (config.mode === 'standalone') await loadSampleProjectOnce(opened, logger);
    if (odoo) {
      const version = await odoo.version().catch((error: Error) => ({ server_version: `unreachable (${error.message})` }));
      logger.info({ odoo: config.odooUrl, version: version.server_version }, 'Odoo server');
    }
    await runtime.start();
    await cron.reconcile();
    await dbTriggers.start();
    const verifier = createTokenVerifier({
      secret: opened.credentials.secret,
      adminToken: opened.credentials.adminToken,
      db: config.odooDb,
      maxLifetimeSeconds: config.tokenMaxLifetime,
    });
    const app = createApp({
      store: opened.store,
      cipher: opened.cipher,
      publicUrl: config.publicUrl,
      logger,
      verifier,
      // The Odoo database this sidecar serves: ODOO_DB, else the database DATABASE_URL names (Odoo mode).
      odooDb:
        config.odooDb ??
        (config.databaseUrl === undefined ? undefined : decodeURIComponent(new URL(config.databaseUrl).pathname.slice(1)) || undefined),
      corsOrigins: config.odooOrigins,
      ready: async () => {
        await opened.pool.query('select 1');
        return runtime.started;
      },
      apiRoutes: [
        runRoutes({
          pool: opened.pool,
          logger,
          runtime,
          sandbox,
          liveLogs,
          streamLimits: { perPrincipal: config.liveStreamsPerUser, maxSeconds: config.liveStreamMaxSeconds },
        }),
        linkRoutes({ pool: opened.pool }),
        pluginRoutes(opened.plugins),
        projectFileRoutes(opened),
        webhookApiRoutes({ pool: opened.pool, webhooks }),
        dbTriggerRoutes({ pool: opened.pool }),
      ],
      rootRoutes: [
        webhookRoutes(webhooks),
        metricsRoutes({ pool: opened.pool, sandbox, verifier, metricsToken: config.metricsToken, clock: systemClock }),
        panelRoutes(),
      ],
    });
    listener.handle(app.fetch);
    const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${config.port}`;
    return {
      url,
      store: opened,
      runtime,
      // New connections are refused at once; requests under way (a Run Now waiting for its job) get
      // their answer once the runtime has finished or interrupted their jobs; the database stops last.
      close: async () => {
        await listener.close(closeRuntime);
        await opened.close();
      },
    };
  } catch (error) {
    await listener.close();
    await closeRuntime().catch(() => undefined);
    await opened.close().catch(() => undefined);
    throw error;
  }
}

type FetchHandler = (request: Request) => Response | Promise<Response>;

interface Listener {
  /** The port bound (the system's choice with PORT 0). */
  port: number;
  /** Hands requests to the app; requests that came before wait for it. */
  handle(fetch: FetchHandler): void;
  /**
   * Refuses new connections at once, runs `drain` (requests under way may still answer meanwhile),
   * then gives answers being written a few seconds before closing the remaining connections.
   */
  close(drain?: () => Promise<void>): Promise<void>;
}

/**
 * Binds the port before the app exists: a request that comes while the sidecar starts waits for the
 * app (as it would in the listen backlog), so nobody is answered by a half-started sidecar; if the
 * start fails, it gets a 503.
 */
async function listen(config: Config): Promise<Listener> {
  let handle!: (fetch: FetchHandler) => void;
  let fail!: () => void;
  const app = new Promise<FetchHandler | undefined>((resolve) => {
    handle = resolve;
    fail = () => resolve(undefined);
  });
  const server = await bind(async (request) => {
    const fetch = await app;
    return fetch
      ? fetch(request)
      : Response.json({ error: { code: 'unavailable', message: 'Sync Studio could not start' } }, { status: 503 });
  }, config);
  return {
    port: (server.address() as AddressInfo).port,
    handle,
    close: async (drain) => {
      fail();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await drain?.();
      const http1 = server as HttpServer; // @hono/node-server's default: node:http
      http1.closeIdleConnections();
      await Promise.race([closed, sleep(HTTP_DRAIN_MS, undefined, { ref: false })]);
      http1.closeAllConnections();
      await closed;
    },
  };
}

function bind(fetch: FetchHandler, config: Config): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serveHttp({ fetch, port: config.port, hostname: config.host, serverOptions: httpServerOptions() }, () =>
      resolve(server),
    );
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE' || error.code === 'EACCES' || error.code === 'EADDRNOTAVAIL'
          ? new SyncStudioError('listen_failed', `cannot listen on ${config.host}:${config.port} (${error.code}); set PORT or HOST`, {
              cause: error,
            })
          : error,
      ),
    );
  });
}
