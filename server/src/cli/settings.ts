/** Adds every configuration setting as a flag to a command, so `--help` lists them everywhere. */
import type { Command } from 'commander';
import { describeSettings } from '../config/index.js';

export function withSettings(command: Command): Command {
  for (const setting of describeSettings()) {
    command.option(`${setting.flag} <value>`, `${setting.expect} (env ${setting.env})`);
  }
  return command;
}
