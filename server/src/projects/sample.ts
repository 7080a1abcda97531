/**
 * The sample project loaded on the first standalone start, so a fresh install has something to
 * run. Loaded once: a `sample_loaded` setting remembers it, so deleting the sample is respected.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { withTransaction, type Pool } from '../db/index.js';
import type { SecretCipher } from '../secrets/cipher.js';
import type { Logger } from '../shared/logger.js';
import { samplesDir } from '../shared/paths.js';
import { importProjectXml } from './xml/index.js';

export async function loadSampleProjectOnce({ pool, cipher }: { pool: Pool; cipher: SecretCipher }, logger: Logger): Promise<void> {
  await withTransaction(pool, async (client) => {
    const marked = await client.query(
      `insert into sync_studio.setting (key, value) values ('sample_loaded', now()::text) on conflict do nothing`,
    );
    if (marked.rowCount === 0) return;
    const xml = await readFile(join(samplesDir, 'sample-project.xml'), 'utf8');
    const report = await importProjectXml(client, xml, { cipher });
    logger.info({ project: report.project!.id }, 'sample project loaded');
  });
}
