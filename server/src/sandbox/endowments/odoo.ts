/**
 * Odoo for task code: `env` (createEnv) and the link functions (createLinkFunctions), wired to the
 * host's `odoo` and `links` powers, plus the record-set encoding used for values crossing to the
 * host (add_job and plugin arguments, handler results) and back (handler arguments).
 */
import type { LogEntry, OdooCall } from '../protocol.js';

export interface OdooDependencies {
  odoo: (call: OdooCall) => Promise<unknown>;
  links: (op: unknown) => Promise<unknown>;
  log: (entry: LogEntry) => void;
  context: { lang: string; tz: string };
}

export interface OdooEndowments {
  globals: Record<string, unknown>;
  /** Record sets → {"__recordset__": {model, ids}}, then JSON. */
  toJson: (value: unknown) => unknown;
  /** {"__recordset__": …} → record sets of this job's env. */
  fromHost: (value: unknown) => unknown;
}

// INTERIM until endowments/env and endowments/links land: a bare `env.call(model, method, args, kwargs)`.
export function createOdooEndowments(deps: OdooDependencies): OdooEndowments {
  const env = {
    call: (model: string, method: string, args: unknown[] = [], kwargs: Record<string, unknown> = {}) => deps.odoo({ model, method, args, kwargs }),
  };
  const toJson = (value: unknown): unknown => {
    const text = JSON.stringify(value);
    return text === undefined ? null : (JSON.parse(text) as unknown);
  };
  return { globals: { env }, toJson, fromHost: (value) => value };
}
