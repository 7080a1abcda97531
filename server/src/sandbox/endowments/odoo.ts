/**
 * Odoo for task code: `env` (createEnv) and the link functions (createLinkFunctions), wired to the
 * host's `odoo` and `links` powers, plus the record-set encoding of values crossing to the host
 * (add_job and plugin arguments, handler results) and back (handler arguments, plugin results).
 */
import type { LogEntry, OdooCall } from '../protocol.js';
import { createEnv, decodeRecordSets, encodeRecordSets, EnvError, Model, RecordSet, type Env } from './env/index.js';
import { createLinkFunctions, type EnvLike, type LinkFunctions } from './links.js';

export interface OdooDependencies {
  odoo: (call: OdooCall) => Promise<unknown>;
  links: (op: unknown) => Promise<unknown>;
  log: (entry: LogEntry) => void;
  context: { lang: string; tz: string };
}

export interface OdooEndowments {
  globals: { env: Env } & Omit<LinkFunctions, 'recordLinks'>;
  /** Record sets → {"__recordset__": {model, ids}}, then JSON (throws on what JSON refuses). */
  toJson: (value: unknown) => unknown;
  /** {"__recordset__": …} → record sets of this job's env. */
  fromHost: (value: unknown) => unknown;
}

// The env's classes are shared by every job of the worker: frozen once, with their prototypes.
harden([RecordSet, Model, EnvError]);

export function toJson(value: unknown): unknown {
  const text = JSON.stringify(encodeRecordSets(value));
  return text === undefined ? null : (JSON.parse(text) as unknown);
}

export function createOdooEndowments(deps: OdooDependencies): OdooEndowments {
  // Built on first use: most jobs never touch links, and their classes cost time and garbage.
  let linkFunctions: LinkFunctions | undefined;
  const links = (): LinkFunctions =>
    (linkFunctions ??= createLinkFunctions({
      call: deps.links,
      env: env as unknown as EnvLike,
      log: (message, level) => deps.log({ level, type: 'server', name: 'sync.link', message, at: Date.now() }),
    }));
  const env: Env = createEnv({
    execute: (model, method, args, kwargs) => deps.odoo({ model, method, args, kwargs }),
    context: { lang: deps.context.lang, tz: deps.context.tz },
    // Late-bound: the link functions need env, and env's record sets need them.
    links: () => links().recordLinks,
  });
  const set_link: LinkFunctions['set_link'] = (...args) => links().set_link(...args);
  const get_link: LinkFunctions['get_link'] = (...args) => links().get_link(...args);
  const search_links: LinkFunctions['search_links'] = (...args) => links().search_links(...args);
  const sync_odoo2x: LinkFunctions['sync_odoo2x'] = (...args) => links().sync_odoo2x(...args);
  const sync_x2odoo: LinkFunctions['sync_x2odoo'] = (...args) => links().sync_x2odoo(...args);
  const sync_external: LinkFunctions['sync_external'] = (...args) => links().sync_external(...args);
  return {
    globals: { env, set_link, get_link, search_links, sync_odoo2x, sync_x2odoo, sync_external },
    toJson,
    fromHost: (value) => decodeRecordSets(value, env),
  };
}
