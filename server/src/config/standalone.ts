/**
 * Standalone mode's generated credentials: the secret (which derives the secrets key and signs
 * tokens) and the administrator token, created on first start and kept in the data folder
 * (mode 0600) so restarts keep working. Explicit settings always win.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from './index.js';

export interface Credentials {
  secret: string;
  adminToken: string | undefined;
  /** True when the admin token was generated (so it should be printed). */
  adminTokenGenerated: boolean;
}

async function readOrCreate(file: string, make: () => string): Promise<{ value: string; created: boolean }> {
  if (existsSync(file)) return { value: (await readFile(file, 'utf8')).trim(), created: false };
  const value = make();
  await writeFile(file, `${value}\n`, { mode: 0o600, flag: 'wx' });
  return { value, created: true };
}

/** Creates the data folder; as root, lets the `postgres` user traverse it to reach its cluster. */
export async function prepareDataDir(dataDir: string): Promise<void> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  if (process.getuid?.() === 0) {
    const mode = (await stat(dataDir)).mode & 0o777;
    if ((mode & 0o001) === 0) await chmod(dataDir, mode | 0o011);
  }
}

export async function resolveCredentials(config: Config): Promise<Credentials> {
  if (config.mode === 'odoo') return { secret: config.secret!, adminToken: config.adminToken, adminTokenGenerated: false };
  await prepareDataDir(config.dataDir);
  const secret = config.secret ?? (await readOrCreate(join(config.dataDir, 'secret'), () => randomBytes(32).toString('base64url'))).value;
  if (config.adminToken !== undefined) return { secret, adminToken: config.adminToken, adminTokenGenerated: false };
  const token = await readOrCreate(join(config.dataDir, 'admin-token'), () => `ssa_${randomBytes(24).toString('base64url')}`);
  return { secret, adminToken: token.value, adminTokenGenerated: true };
}
