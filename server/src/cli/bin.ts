#!/usr/bin/env node
/**
 * The `sync-studio` command: serve (default), migrate, import, export, rotate-secret, run.
 * Every command takes the configuration flags it uses (see its --help) over the environment. A bad
 * setting prints one line naming it and exits with code 2; other failures exit with code 1.
 */
import { Command, CommanderError } from 'commander';
import { loadConfig, type Config, type LoadOptions } from '../config/index.js';
import { isDatabaseUnusable } from '../db/outage.js';
import { ConfigError, SyncStudioError } from '../shared/errors.js';
import { createLogger, type Logger } from '../shared/logger.js';
import { packageVersion } from '../shared/paths.js';
import { readExportHeader } from '../projects/xml/index.js';
import { jobSettings, storeSettings, withSettings } from './settings.js';
import {
  exportCommand,
  importCommand,
  migrateCommand,
  parseRecordIds,
  rotateSecretCommand,
  runCommand,
  serveCommand,
  uninstallCaptureCommand,
} from './commands.js';

function configFrom(command: Command, options?: LoadOptions): Config {
  return loadConfig(process.env, command.opts(), options);
}

const program = new Command('sync-studio')
  .description('Sync Studio sidecar: connect Odoo to everything with small JavaScript tasks')
  .version(packageVersion, '-V, --version', 'print the version of sync-studio')
  .showHelpAfterError()
  // A terminal's own width when there is one; 120 columns when the help is piped or captured
  // (commander's 80 would split "(env NAME)" from its option once the option column grows).
  .configureHelp({ helpWidth: process.stdout.columns ?? 120 })
  .exitOverride();

interface ActionContext {
  config: Config;
  logger: Logger;
  /** The command's positional arguments, in order. */
  args: string[];
  options: Record<string, unknown>;
}

/** A command action with the validated configuration and a logger (commander passes args…, options, command). */
function action(run: (context: ActionContext) => Promise<unknown>, loadOptions?: LoadOptions) {
  return async (...received: unknown[]) => {
    const command = received[received.length - 1] as Command;
    const config = configFrom(command, loadOptions);
    await run({ config, logger: createLogger(config.logLevel), args: command.processedArgs as string[], options: command.opts() });
  };
}

withSettings(
  program
    .command('serve', { isDefault: true })
    .option('--demo', 'also load the demo projects (Telegram, Odoo ↔ Odoo, GitHub ↔ Trello), archived until configured, once')
    .description('start the HTTP API, webhooks and the job runner'),
).action(action(({ config, logger, options }) => serveCommand(config, logger, { demo: options.demo === true })));

withSettings(program.command('migrate').description('apply database migrations and exit'), storeSettings).action(
  action(({ config, logger }) => migrateCommand(config, logger)),
);

withSettings(
  program
    .command('uninstall-capture')
    .description(
      "remove every pg trigger and function DB triggers put on Odoo's tables (stop the sidecar or disable its DB triggers first); needs only DATABASE_URL",
    ),
  ['databaseUrl', 'logLevel'],
).action(action(({ config }) => uninstallCaptureCommand(config), { secretRequired: false }));

withSettings(
  program
    .command('import')
    .argument('<file>', 'an Odoo XML project file')
    .option('--module <name>', "the Odoo module the file's bare xml ids belong to (default: inferred from its qualified ids)")
    .description('import (or update) a project from an XML file'),
  storeSettings,
).action(action(({ config, logger, args: [file], options }) => importCommand(config, logger, file!, options.module as string | undefined)));

withSettings(
  program
    .command('export')
    .argument('<project>', 'project id, xml id or exact name')
    .option('--author <text>', "the file header's author (remembered for later exports)")
    .option('--years <text>', "the file header's copyright years, e.g. 2024-2026 (remembered)")
    .option('--license <text>', "the file header's licence line, e.g. 'License MIT (https://opensource.org/licenses/MIT)' (remembered)")
    .description(
      'write a project as an Odoo XML data file to standard output (secret values are never exported; no header comment unless given now or before)',
    ),
  storeSettings,
).action(
  action(({ config, logger, args: [project], options: { author, years, license } }) =>
    exportCommand(config, logger, project!, readExportHeader({ author, years, license }, 'options')),
  ),
);

withSettings(
  program
    .command('rotate-secret')
    .requiredOption('--new-secret <value>', 'the new SYNC_STUDIO_SECRET (at least 32 characters)')
    .description('re-encrypt every secret value under a new key, in one transaction'),
  storeSettings,
).action(action(({ config, logger, options }) => rotateSecretCommand(config, logger, options.newSecret as string)));

withSettings(
  program
    .command('run')
    .argument('<project>', 'project id, xml id or exact name')
    .argument('<trigger-name>', 'the trigger_name of a manual, cron or DB trigger')
    .option('--force', 'run even if the project, task or trigger is archived')
    .option('--ids <ids>', 'DB triggers: the ids of the records handle_db receives, separated by commas (e.g. 7,8,9)')
    .description("run a trigger now, print the job's log; exit 0 when the job is done (with or without warnings), 1 when it failed"),
  jobSettings,
).action(
  action(async ({ config, logger, args: [project, triggerName], options }) =>
    // Exit explicitly: a dependency may reset process.exitCode while shutting down.
    process.exit(
      await runCommand(config, logger, project!, triggerName!, {
        force: options.force === true,
        ...(options.ids === undefined ? {} : { ids: parseRecordIds(options.ids as string) }),
      }),
    ),
  ),
);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : 2);
  if (error instanceof ConfigError) {
    process.stderr.write(`sync-studio: invalid configuration: ${error.message}\n`);
    process.exit(2);
  }
  if (isDatabaseUnusable(error)) {
    // What PostgreSQL said, without the URL (it may hold a password) nor a stack: the setting is the problem.
    process.stderr.write(`sync-studio: cannot use the PostgreSQL database of DATABASE_URL: ${(error as Error).message}\n`);
    process.exit(1);
  }
  const message = error instanceof SyncStudioError ? error.message : ((error as Error)?.stack ?? String(error));
  process.stderr.write(`sync-studio: ${message}\n`);
  process.exit(1);
}
