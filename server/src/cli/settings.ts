/**
 * The configuration flags of each command: a command takes (and `--help` lists) only the settings
 * it uses; the environment variables of the others are still read and checked.
 */
import type { Command } from 'commander';
import { describeSettings, type SettingKey } from '../config/index.js';

/** What opening the store needs: the database (or the embedded one's folder), the secret key, the log level. */
export const storeSettings = ['databaseUrl', 'dataDir', 'secret', 'logLevel'] as const satisfies readonly SettingKey[];

/** What running a job needs besides the store: Odoo, the sandbox, the job runtime, task code's http and plugins. */
export const jobSettings = [
  ...storeSettings,
  'odooUrl',
  'odooDb',
  'odooUser',
  'odooPassword',
  'publicUrl',
  'jobTimeoutSeconds',
  'jobMemoryMb',
  'sandboxWorkers',
  'queueConcurrency',
  'sandboxQueue',
  'retentionDays',
  'retryDelays',
  'egressAllow',
  'httpMaxBytes',
  'httpConcurrency',
  'jobMaxLogLines',
  'envAllowModels',
  'pluginUrls',
] as const satisfies readonly SettingKey[];

/** Adds the flags of `keys` (default: every setting) to a command. */
export function withSettings(command: Command, keys?: readonly SettingKey[]): Command {
  for (const setting of describeSettings(keys)) {
    command.option(`${setting.flag} <value>`, `${setting.expect} (env ${setting.env})`);
  }
  return command;
}
