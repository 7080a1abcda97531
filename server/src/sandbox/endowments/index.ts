/**
 * Endowments: the evaluation context task code sees (DESIGN.md "Task code and the sandbox"). These
 * builders run inside the sandbox worker, after lockdown(); everything they return is hardened
 * before it enters a compartment. Stateless helpers are built and hardened once per worker; the
 * rest is built fresh for every job.
 */
import type { HttpResponse, LogEntry, PowerName, PowerPayloads, RunRequest } from '../protocol.js';
import { createAddJob } from './add-job.js';
import { errorClasses } from './errors.js';
import { helpers } from './helpers.js';
import { createHttpClient } from './http.js';
import { createLogFunctions, logLevelNames } from './logging.js';
import { createLookup } from './lookups.js';
import { createOdooEndowments } from './odoo.js';
import { createPluginGlobals } from './plugins.js';

export { errorFromHost } from './errors.js';

/** What the worker gives the endowments of one job. */
export interface JobChannel {
  request: RunRequest;
  /** Names add_job may run: every task name and the public common-code names. */
  runnableNames: ReadonlySet<string>;
  log(entry: LogEntry): void;
  call<P extends PowerName>(power: P, payload: PowerPayloads[P]): Promise<unknown>;
}

export interface JobEndowments {
  globals: Record<string, unknown>;
  toJson: (value: unknown) => unknown;
  fromHost: (value: unknown) => unknown;
}

/**
 * Shared by all jobs of a worker. `Date` and `Math` are the worker's own (frozen by lockdown):
 * compartments otherwise get a Date without a clock and a Math without random().
 */
const shared = harden({ ...helpers, ...errorClasses, ...logLevelNames, Date, Math, URL, URLSearchParams });

export function buildEndowments(job: JobChannel): JobEndowments {
  const { context } = job.request;
  const { log, log_transmission } = createLogFunctions(job.log);
  const odoo = createOdooEndowments({
    odoo: (call) => job.call('odoo', call),
    links: (op) => job.call('links', op),
    log: job.log,
    context: { lang: context.lang, tz: context.tz },
  });
  const { http, url2bin, url2base64 } = createHttpClient((request) => job.call('http', request) as Promise<HttpResponse>);
  const add_job = createAddJob({
    call: async (spec) => {
      await job.call('addJob', spec);
    },
    runnableNames: job.runnableNames,
    toJson: odoo.toJson,
  });
  const base: Record<string, unknown> = {
    ...shared,
    ...odoo.globals,
    log,
    log_transmission,
    params: createLookup('params', context.params),
    texts: createLookup('texts', context.texts),
    webhooks: createLookup('webhooks', context.webhooks),
    trigger_name: context.trigger_name,
    trigger: context.trigger_name,
    user: context.user === null ? null : { ...context.user },
    add_job,
    http,
    url2bin,
    url2base64,
    get_lang: () => ({ code: context.lang, tz: context.tz }),
  };
  const plugins = createPluginGlobals(context.plugins, new Set(Object.keys(base)), {
    call: (call) => job.call('plugin', call),
    toJson: odoo.toJson,
    fromHost: odoo.fromHost,
  });
  return { globals: harden({ ...base, ...plugins }), toJson: odoo.toJson, fromHost: odoo.fromHost };
}
