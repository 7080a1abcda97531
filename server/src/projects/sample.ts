/**
 * Project files the sidecar loads by itself: the sample project on the first standalone start, so
 * a fresh install has something to run, and the demo projects (server/samples/demos) with
 * `serve --demo`. Each file is loaded once: a setting remembers it, so deleting or changing the
 * project is respected on the next start. The demos come archived, so nothing of theirs runs (and
 * no external API is called) until a user sets their secrets and activates them.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { withTransaction, type Pool } from '../db/index.js';
import type { SecretCipher } from '../secrets/cipher.js';
import type { Logger } from '../shared/logger.js';
import { samplesDir } from '../shared/paths.js';
import { importProjectXml } from './xml/index.js';

interface Store {
  pool: Pool;
  cipher: SecretCipher;
}

/** Imports `file` (under server/samples) unless the setting `key` says it was loaded before; true when it was imported now. */
async function loadOnce({ pool, cipher }: Store, key: string, file: string, logger: Logger): Promise<boolean> {
  return withTransaction(pool, async (client) => {
    const marked = await client.query(`insert into sync_studio.setting (key, value) values ($1, now()::text) on conflict do nothing`, [
      key,
    ]);
    if (marked.rowCount === 0) return false;
    const xml = await readFile(join(samplesDir, file), 'utf8');
    const report = await importProjectXml(client, xml, { cipher });
    logger.info({ project: report.project!.id, file }, 'project file loaded');
    return true;
  });
}

export async function loadSampleProjectOnce(store: Store, logger: Logger): Promise<void> {
  await loadOnce(store, 'sample_loaded', 'sample-project.xml', logger);
}

/** The demo project files (server/samples/demos/*.xml) not loaded before; answers the files loaded now. */
export async function loadDemoProjectsOnce(store: Store, logger: Logger): Promise<string[]> {
  const files = (await readdir(join(samplesDir, 'demos'))).filter((name) => name.endsWith('.xml')).sort();
  const loaded: string[] = [];
  for (const file of files) {
    if (await loadOnce(store, `demo_loaded:${file}`, join('demos', file), logger)) loaded.push(file);
  }
  return loaded;
}
