/**
 * Composition root: config → database (embedded or Odoo's) → migrations → secret-key check →
 * store → job runner → HTTP server; and the graceful shutdown that undoes it in reverse order.
 * The CLI commands call `openStore` (everything but the servers) or `serve`.
 */
import { serve as serveHttp, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { createTokenVerifier } from './auth/index.js';
import type { Config } from './config/index.js';
import { resolveCredentials, type Credentials } from './config/standalone.js';
import { createPool, migrate, startEmbeddedPostgres, type Pool } from './db/index.js';
import { createApp } from './http/app.js';
import { ProjectStore } from './projects/index.js';
import { checkSecretKey, SecretCipher } from './secrets/index.js';
import type { Logger } from './shared/logger.js';
import { loadSampleProjectOnce } from './projects/sample.js';

export interface OpenStore {
  config: Config;
  pool: Pool;
  credentials: Credentials;
  cipher: SecretCipher;
  store: ProjectStore;
  close(): Promise<void>;
}

/** Opens the database (starting the embedded one in standalone mode), migrates it and checks the secret key. */
export async function openStore(config: Config, logger: Logger): Promise<OpenStore> {
  const credentials = await resolveCredentials(config);
  const embedded = config.mode === 'standalone' ? await startEmbeddedPostgres(config.dataDir, (line) => logger.debug({ pg: line })) : undefined;
  const pool = createPool(embedded?.connectionString ?? config.databaseUrl!, 20);
  const close = async () => {
    await pool.end();
    await embedded?.stop();
  };
  try {
    const { applied } = await migrate(pool);
    if (applied.length > 0) logger.info({ applied }, 'migrations applied');
    const cipher = new SecretCipher(credentials.secret);
    await checkSecretKey(pool, cipher);
    return { config, pool, credentials, cipher, store: new ProjectStore(pool, cipher), close };
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}

export interface RunningServer {
  url: string;
  store: OpenStore;
  close(): Promise<void>;
}

export async function serve(config: Config, logger: Logger): Promise<RunningServer> {
  const opened = await openStore(config, logger);
  try {
    if (config.mode === 'standalone') await loadSampleProjectOnce(opened.pool, opened.cipher, logger);
    const app = createApp({
      store: opened.store,
      cipher: opened.cipher,
      publicUrl: config.publicUrl,
      logger,
      verifier: createTokenVerifier({ secret: opened.credentials.secret, adminToken: opened.credentials.adminToken }),
      ready: async () => {
        await opened.pool.query('select 1');
        return true;
      },
    });
    const server = await listen(app.fetch, config);
    const port = (server.address() as AddressInfo).port;
    const url = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${port}`;
    return {
      url,
      store: opened,
      close: async () => {
        await new Promise<void>((resolve) => server.close(() => resolve()));
        await opened.close();
      },
    };
  } catch (error) {
    await opened.close().catch(() => undefined);
    throw error;
  }
}

function listen(fetch: (request: Request) => Response | Promise<Response>, config: Config): Promise<ServerType> {
  return new Promise((resolve, reject) => {
    const server = serveHttp({ fetch, port: config.port, hostname: config.host }, () => resolve(server));
    server.once('error', reject);
  });
}
