/**
 * Evaluation-context plugins: trusted server code that receives a project's secrets and returns
 * the functions (and constant values) task code may call, e.g. `telegram.sendMessage(...)`.
 * Plugins run in the sidecar, never in the sandbox; task code reaches their functions through
 * asynchronous stubs, so secrets never enter a compartment. A project selects plugins by name.
 */
import { InvalidInputError } from '../shared/errors.js';
import { githubPlugin } from './github.js';
import { odooPlugin } from './odoo.js';
import { telegramPlugin } from './telegram.js';
import { trelloPlugin } from './trello.js';

export { pluginRoutes } from './routes.js';

export type PluginExport =
  ((...args: never[]) => unknown) | string | number | boolean | null | readonly unknown[] | { readonly [key: string]: unknown };

export interface PluginContext {
  /** Writes a line to the running job's log (secret values are redacted). */
  log(message: string, level?: 'debug' | 'info' | 'warning' | 'error' | 'critical'): void;
  /** Logs `data` sent to `recipient` (type data_out). */
  logTransmission(recipient: string, data: string): void;
  /** Logs `data` received from `sender` (type data_in). */
  logReception(sender: string, data: string): void;
  /** The project's parameters (e.g. the URL and database of another Odoo). */
  params: Readonly<Record<string, string | null>>;
  /** An Odoo call as the technical user (fails with a clear error when Odoo is not configured). */
  odoo(model: string, method: string, args?: unknown[], kwargs?: Record<string, unknown>): Promise<unknown>;
  project: { id: number; name: string };
}

export interface EvalContextPlugin {
  /** Technical name selected on projects, e.g. "telegram". */
  name: string;
  displayName: string;
  /** Shown in the panel next to the plugin: what it exports and which secrets it needs. */
  description: string;
  /** Every name `create` returns: declared up front, so task code sees the names even when setup fails. */
  exportNames: readonly string[];
  create(secrets: Readonly<Record<string, string | null>>, context: PluginContext): Record<string, PluginExport>;
}

export class PluginRegistry {
  private readonly plugins = new Map<string, EvalContextPlugin>();

  constructor(plugins: EvalContextPlugin[] = []) {
    for (const plugin of plugins) this.register(plugin);
  }

  register(plugin: EvalContextPlugin): void {
    if (!/^[a-z][a-z0-9_]*$/.test(plugin.name))
      throw new InvalidInputError(`plugin name "${plugin.name}" must be lower-case letters, digits and _`);
    if (this.plugins.has(plugin.name)) throw new InvalidInputError(`a plugin named "${plugin.name}" is already registered`);
    this.plugins.set(plugin.name, plugin);
  }

  get(name: string): EvalContextPlugin | undefined {
    return this.plugins.get(name);
  }

  list(): EvalContextPlugin[] {
    return [...this.plugins.values()];
  }
}

/** API base URLs of the plugins that call a public API (SYNC_STUDIO_PLUGIN_URLS; tests use local stub servers). */
export type PluginUrls = Readonly<Partial<Record<'telegram' | 'github' | 'trello', string>>>;

/** Plugins shipped with the sidecar (deployments can register their own in `main.ts`). */
export function builtInPlugins(urls: PluginUrls = {}): EvalContextPlugin[] {
  return [telegramPlugin(urls.telegram), githubPlugin(urls.github), trelloPlugin(urls.trello), odooPlugin()];
}
