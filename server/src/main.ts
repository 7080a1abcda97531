/**
 * Composition root: config → HTTP port bound (PORT 0 becomes a real port) → database (embedded or
 * Odoo's) → migrations → secret-key check → store → job runner → HTTP app; and the graceful
 * shutdown that undoes it in reverse order.
 * The CLI commands call `openStore` (everything but the servers) or `serve`.
 */
import { serve as serveHttp, type ServerType } from '@hono/node-server';
import { parseCronItem } from 'graphile-worker';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Server as HttpServer } from 'node:http';
import { createTokenVerifier, type TokenVerifier } from './auth/index.js';
import { withBoundPort, type Config } from './config/index.js';
import { resolveCredentials, type Credentials } from './config/standalone.js';
import { createOdooReadPool, createPool, migrate, startEmbeddedPostgres, type Pool } from './db/index.js';
import { TaskHttpClient } from './egress/index.js';
import { createApp } from './http/app.js';
import { panelRoutes } from './http/panel.js';
import { historyRoutes, LiveLogHub, LogWriter, pruneHistory } from './history/index.js';
import { installQueue, jobRoutes, SyncJobRuntime } from './jobs/index.js';
import { executeLinkOp, linkRoutes } from './links/index.js';
import { metricsRoutes } from './metrics/index.js';
import { createJsonRpcClient, type OdooClient } from './odoo/index.js';
import { builtInPlugins, pluginRoutes, PluginRegistry } from './plugins/index.js';
import { ProjectStore, projectRoutes } from './projects/index.js';
import { loadDemoProjectsOnce, loadSampleProjectOnce } from './projects/sample.js';
import { projectFileRoutes } from './projects/xml/index.js';
import { createSandboxPool, type SandboxPool } from './sandbox/index.js';
import { bindOlderSecrets, checkSecretKey, SecretCipher } from './secrets/index.js';
import { systemClock } from './shared/clock.js';
import { SyncStudioError } from './shared/errors.js';
import type { Logger } from './shared/logger.js';
import { createTriggerRegistry, httpServerOptions, type TriggerRegistry } from './triggers/index.js';

/** Whether the panel bundle is built (the CLI prints the panel's URL then). */
export { panelBuilt } from './http/panel.js';

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
    await embedded?.release();
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
  /** One module per trigger kind: started after the runtime, stopped before it. */
  triggers: TriggerRegistry;
  /** The one reader behind every live log stream of this sidecar. */
  liveLogs: LiveLogHub;
  close(): Promise<void>;
}

/** The sandbox pool, the Odoo client, the job runtime and the trigger registry over an open store (not started). */
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
  // Odoo's own tables are read with PostgreSQL's default planner settings (db/pool.ts); no connection opens before the first read.
  const odooReads = createOdooReadPool(opened.connectionString);
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
      const pruned = await pruneHistory(pool, config.retentionDays, systemClock.now());
      logger.info({ pruned }, 'old jobs, logs and webhook requests pruned');
    },
    parseCronItem({ task: 'sync_studio.prune', match: '17 * * * *', options: { backfillPeriod: 0, maxAttempts: 1 } }),
  );
  const triggers = createTriggerRegistry({
    pool,
    historyPool,
    odooReads,
    connectionString: opened.connectionString,
    runtime,
    store: opened.store,
    odoo,
    publicUrl: config.publicUrl,
    webhook: { maxBytes: config.webhookMaxBytes, limits: { ratePerSecond: config.webhookRate, concurrency: config.webhookConcurrency } },
    db: {
      mode: config.mode,
      wakeup: config.dbWakeup,
      pollMs: config.dbPollMs,
      chunkSize: config.dbChunkSize,
      eventRetentionHours: config.dbEventRetentionHours,
    },
    clock: systemClock,
    logger,
  });
  const liveLogs = new LiveLogHub(pool, logger);
  return {
    runtime,
    sandbox,
    odoo,
    triggers,
    liveLogs,
    close: async () => {
      liveLogs.close();
      await triggers.stop();
      // Running jobs get the grace to finish; then the sandbox stops them and they are written as interrupted.
      const stopped = runtime.stop();
      const graceOver = sleep(config.shutdownGraceSeconds * 1000, 'over' as const, { ref: false });
      if ((await Promise.race([stopped.then(() => 'stopped' as const), graceOver])) === 'over') {
        logger.warn({ graceSeconds: config.shutdownGraceSeconds }, 'shutting down: interrupting the jobs still running');
        await sandbox.close();
      }
      await stopped;
      await historyPool.end();
      await odooReads.end();
      await sandbox.close();
      odoo?.close();
    },
  };
}

export interface SidecarAppOptions {
  logger: Logger;
  verifier: TokenVerifier;
  /** Resolves true when the database answers and the job runner is started. */
  ready: () => Promise<boolean>;
  /** The Odoo database this sidecar serves (GET /api/session). */
  odooDb?: string | undefined;
  corsOrigins?: readonly string[];
  /** Check every /api answer against its contract (tests). */
  checkResponses?: boolean;
}

/** The HTTP app over a runtime: every capability's route groups, the same in the server and in tests. */
export function createSidecarApp(opened: OpenStore, running: Runtime, options: SidecarAppOptions): ReturnType<typeof createApp> {
  const { config, pool, store, cipher, plugins } = opened;
  return createApp({
    ...options,
    apiRoutes: [
      projectRoutes({ store, cipher, publicUrl: config.publicUrl }),
      projectFileRoutes({ pool, cipher, pluginDisplayName: (name) => plugins.get(name)?.displayName }),
      historyRoutes({
        pool,
        argsOf: (job) => running.runtime.argsOf(job),
        liveLogs: running.liveLogs,
        streamLimits: { perPrincipal: config.liveStreamsPerUser, maxSeconds: config.liveStreamMaxSeconds },
      }),
      jobRoutes({ pool, runtime: running.runtime, sandbox: running.sandbox }),
      running.triggers.apiRoutes,
      linkRoutes({ pool }),
      pluginRoutes(plugins),
    ],
    rootRoutes: [
      running.triggers.publicRoutes,
      metricsRoutes({ pool, sandbox: running.sandbox, verifier: options.verifier, metricsToken: config.metricsToken, clock: systemClock }),
      panelRoutes(),
    ],
  });
}

/** `demo`: also load the demo projects (archived) not loaded before (`serve --demo`). */
export async function serve(given: Config, logger: Logger, options: { demo?: boolean } = {}): Promise<RunningServer> {
  // Bound before anything derives a URL from the port: with PORT 0, webhook URLs name the port bound.
  const listener = await listen(given);
  const config = withBoundPort(given, listener.port);
  const opened = await openStore(config, logger).catch(async (error: unknown) => {
    await listener.close();
    throw error;
  });
  const running = createRuntime(opened, logger);
  const { runtime, odoo } = running;
  try {
    if (config.mode === 'standalone') await loadSampleProjectOnce(opened, logger);
    if (options.demo) {
      const loaded = await loadDemoProjectsOnce(opened, logger);
      logger.info({ loaded }, loaded.length ? 'demo projects loaded (archived until configured)' : 'demo projects were loaded before');
    }
    if (odoo) {
      let reachable = true;
      const version = await odoo.version().catch((error: Error) => {
        reachable = false;
        return { server_version: `unreachable (${error.message})` };
      });
      logger.info({ odoo: config.odooUrl, version: version.server_version }, 'Odoo server');
      // Logged in now rather than by the first job (a real Odoo's login takes about half a second); a wrong password is said at start.
      if (reachable)
        odoo.authenticate().catch((error: unknown) => logger.error({ err: error }, 'Odoo login failed; jobs that call Odoo will fail'));
    }
    await runtime.start();
    await running.triggers.start();
    const app = createSidecarApp(opened, running, {
      logger,
      verifier: createTokenVerifier({
        secret: opened.credentials.secret,
        adminToken: opened.credentials.adminToken,
        db: config.odooDb,
        maxLifetimeSeconds: config.tokenMaxLifetime,
      }),
      // The Odoo database this sidecar serves: ODOO_DB, else the database DATABASE_URL names (Odoo mode).
      odooDb:
        config.odooDb ??
        (config.databaseUrl === undefined ? undefined : decodeURIComponent(new URL(config.databaseUrl).pathname.slice(1)) || undefined),
      corsOrigins: config.odooOrigins,
      ready: async () => {
        await opened.pool.query('select 1');
        return runtime.started;
      },
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
        await listener.close(running.close);
        await opened.close();
      },
    };
  } catch (error) {
    await listener.close();
    await running.close().catch(() => undefined);
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
