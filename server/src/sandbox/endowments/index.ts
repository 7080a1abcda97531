/**
 * Endowments: the evaluation context task code sees (every name: docs/task-code.md). These
 * builders run inside the sandbox worker, after lockdown(); every value they give task code is
 * hardened before it enters a compartment. Stateless helpers are built and hardened once per worker;
 * the rest is built fresh for every job and hardened as it goes into the globals.
 */
import { secretHandle, type HttpResponse, type LogEntry, type PowerName, type PowerPayloads, type RunRequest } from '../protocol.js';
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
  const { env, set_link, get_link, search_links, sync_odoo2x, sync_x2odoo, sync_external } = odoo.globals;
  // Each value is hardened as it goes in (the container itself never reaches task code: the
  // compartment copies the values onto its own globalThis). Named properties after the one spread
  // of `shared`: V8 builds that literal fast, and one that spreads a fresh object many times slower.
  const globals: Record<string, unknown> = {
    ...shared,
    env: harden(env),
    set_link: frozenFunction(set_link),
    get_link: frozenFunction(get_link),
    search_links: frozenFunction(search_links),
    sync_odoo2x: frozenFunction(sync_odoo2x),
    sync_x2odoo: frozenFunction(sync_x2odoo),
    sync_external: frozenFunction(sync_external),
    log: frozenFunction(log),
    log_transmission: frozenFunction(log_transmission),
    params: harden(createLookup('params', context.params)),
    texts: harden(createLookup('texts', context.texts)),
    webhooks: harden(createLookup('webhooks', context.webhooks)),
    trigger_name: context.trigger_name,
    trigger: context.trigger_name,
    user: context.user === null ? null : harden({ ...context.user }),
    add_job: frozenFunction(add_job),
    http: frozenFunctions(http),
    url2bin: frozenFunction(url2bin),
    url2base64: frozenFunction(url2base64),
    get_lang: frozenFunction(() => ({ code: context.lang, tz: context.tz })),
    secret: frozenFunction(createSecretFunction(context.secrets)),
    secrets: harden(secretsSignpost),
  };
  const plugins = createPluginGlobals(context.plugins, (name) => Object.hasOwn(globals, name), {
    call: (call) => job.call('plugin', call),
    toJson: odoo.toJson,
    fromHost: odoo.fromHost,
  });
  for (const [name, value] of Object.entries(plugins)) globals[name] = harden(value);
  return { globals, toJson: odoo.toJson, fromHost: odoo.fromHost };
}

/**
 * `secrets`: never the values. Any use of it throws an error that says where secrets go, instead
 * of a bare "secrets is not defined" for a user coming from upstream's `secrets.X`.
 */
const secretsSignpost = new Proxy(Object.freeze({}), {
  get(_target, property) {
    throw new ReferenceError(
      `secrets.${String(property)}: task code never sees secret values. A project's secrets go to its evaluation-context ` +
        "plugins (Evaluation Context tab), which use them for you, and to http requests as secret('KEY') handles that " +
        'the sidecar fills in only for the URL the secret is bound to; see docs/security.md',
    );
  },
});

/**
 * `secret(key)`: an opaque handle of a project secret for `http` requests (URL, headers, params,
 * body); the host puts the value in only when the request goes to the secret's bound URL.
 */
function createSecretFunction({ keys, tag }: RunRequest['context']['secrets']) {
  const known = new Set(keys);
  return (key: unknown): string => {
    if (typeof key !== 'string' || !known.has(key)) {
      throw new TypeError(
        `secret: ${JSON.stringify(key)} is not a secret of this project${keys.length ? `; its secrets: ${keys.join(', ')}` : ' (it has none)'}`,
      );
    }
    return secretHandle(key, tag);
  };
}

/**
 * Hardens a function made for one job, at a fraction of harden()'s cost: harden() spends
 * microseconds on every object it has not seen (it copies its property descriptors and records it
 * in a WeakSet), and a job makes some twenty functions. An arrow, async or method function with
 * nothing added to it owns only `length` and `name`, and its prototype is an intrinsic that
 * lockdown() hardened: freezing it is hardening it. (test/sandbox/confinement.test.ts walks
 * everything task code can reach and checks that it is frozen.)
 */
function frozenFunction<F extends (...args: never[]) => unknown>(fn: F): F {
  if (Object.hasOwn(fn, 'prototype')) throw new TypeError(`${fn.name} has a prototype object to harden: make it an arrow function`);
  return Object.freeze(fn);
}

/** An object literal of such functions (`http`), frozen with them. */
function frozenFunctions<T extends Record<string, (...args: never[]) => unknown>>(methods: T): T {
  for (const method of Object.values(methods)) frozenFunction(method);
  return Object.freeze(methods);
}
