/**
 * Globals from evaluation-context plugins. Plugins run on the host (they see secrets); the worker
 * only gets their export list: functions become async stubs that call the host's `plugin` power,
 * values are given as they are. A dotted export name ("telegram.sendMessage") builds a namespace
 * object. A plugin may not shadow a name that is already defined.
 */
import type { PluginCall, PluginDescription } from '../protocol.js';

export interface PluginDependencies {
  call: (call: PluginCall) => Promise<unknown>;
  toJson: (value: unknown) => unknown;
  fromHost: (value: unknown) => unknown;
}

export class PluginNameClashError extends Error {
  constructor(plugin: string, name: string) {
    super(`plugin "${plugin}" exports "${name}", which is already defined`);
    this.name = 'PluginNameClashError';
  }
}

export function createPluginGlobals(
  plugins: PluginDescription[],
  isTaken: (name: string) => boolean,
  deps: PluginDependencies,
): Record<string, unknown> {
  const globals: Record<string, unknown> = {};
  for (const plugin of plugins) {
    for (const [exportName, described] of Object.entries(plugin.exports)) {
      const value =
        described.kind === 'function'
          ? async (...args: unknown[]) =>
              deps.fromHost(await deps.call({ plugin: plugin.name, fn: exportName, args: deps.toJson(args) as unknown[] }))
          : described.value;
      place(globals, exportName.split('.'), value, isTaken, plugin.name, exportName);
    }
  }
  return globals;
}

function place(
  globals: Record<string, unknown>,
  path: string[],
  value: unknown,
  isTaken: (name: string) => boolean,
  plugin: string,
  exportName: string,
): void {
  const [head, ...rest] = path;
  if (head === undefined || head === '' || head === '__proto__') throw new PluginNameClashError(plugin, exportName);
  if (rest.length === 0) {
    if (Object.hasOwn(globals, head) || isTaken(head)) throw new PluginNameClashError(plugin, exportName);
    globals[head] = value;
    return;
  }
  if (!Object.hasOwn(globals, head)) {
    if (isTaken(head)) throw new PluginNameClashError(plugin, exportName);
    globals[head] = {};
  }
  const namespace = globals[head];
  if (typeof namespace !== 'object' || namespace === null) throw new PluginNameClashError(plugin, exportName);
  place(namespace as Record<string, unknown>, rest, value, () => false, plugin, exportName);
}
