/**
 * `env`: `env['res.partner']` is a Model; `env.ref('base.user_admin')` a record set of one;
 * `env.context` the context sent with every call; `env.with_context({...})` an env whose calls add
 * more context (sharing loaded values).
 */
import { createCore, EnvError, type Context, type EnvCore, type Execute } from './core.js';
import { Model } from './model.js';
import { RecordSet, type RecordLinks } from './record-set.js';

export interface EnvOptions {
  execute: Execute;
  /** `{lang, tz, ...}`, passed as kwargs.context on every call. */
  context?: Record<string, unknown>;
  /** Late-bound: the link functions are created after env. */
  links?: () => RecordLinks;
}

export interface EnvApi {
  readonly context: Context;
  ref(xmlId: string): Promise<RecordSet>;
  with_context(extra: Record<string, unknown>): Env;
}

export type Env = EnvApi & { readonly [model: string]: Model };

function envFor(core: EnvCore, execute: Execute, links: (() => RecordLinks) | undefined): Env {
  const models = new Map<string, Model>();
  const api: EnvApi = {
    context: core.context,
    async ref(xmlId) {
      const dot = xmlId.indexOf('.');
      if (dot <= 0) throw new EnvError(`env.ref expects an external id "module.name", got "${xmlId}"`);
      // check_object_reference, not a search on ir.model.data: Odoo 16 lets only Administration /
      // Access Rights read ir.model.data, and the technical user should not be in it. active_test
      // off: archived records resolve, as with Odoo's own env.ref. A record the user may not see
      // is Odoo's AccessError ("Not enough access rights on the external ID: ...").
      const notFound = `External ID not found in the system: ${xmlId}`;
      const [model, id] = (await core
        .call('ir.model.data', 'check_object_reference', [xmlId.slice(0, dot), xmlId.slice(dot + 1)], {
          raise_on_access_error: true,
          context: { active_test: false },
        })
        .catch((error: unknown) => {
          throw error instanceof Error && error.message === notFound ? new EnvError(notFound) : error;
        })) as [string, number];
      return new RecordSet(core, model, [id]);
    },
    with_context(extra) {
      return envFor(createCore(execute, Object.freeze({ ...core.context, ...extra }), links, core.loaded), execute, links);
    },
  };
  const target = Object.freeze(Object.create(null) as object);
  return new Proxy(target, {
    get(_target, property) {
      if (typeof property === 'symbol' || property === 'then') return undefined;
      if (property in api) return api[property as keyof EnvApi];
      let model = models.get(property);
      if (model === undefined) {
        model = new Model(core, property);
        models.set(property, model);
      }
      return model;
    },
  }) as Env;
}

export function createEnv(options: EnvOptions): Env {
  const context = Object.freeze({ ...options.context });
  return envFor(createCore(options.execute, context, options.links), options.execute, options.links);
}
