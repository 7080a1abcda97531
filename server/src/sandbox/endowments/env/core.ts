/**
 * What every model and record set of one `env` shares: the call function (which adds the context
 * to every call), the values loaded so far (model → id → field → value), and the links accessor.
 * Plain ES2022, no imports: this folder runs inside the SES sandbox.
 */

/** Performs one Odoo call; the host does the network I/O. Errors arrive as typed Error objects. */
export type Execute = (model: string, method: string, args: unknown[], kwargs: Record<string, unknown>) => Promise<unknown>;

export type Context = Readonly<Record<string, unknown>>;

export type FieldValues = Record<string, unknown>;

export interface EnvCore {
  readonly context: Context;
  call(model: string, method: string, args: unknown[], kwargs?: Record<string, unknown>): Promise<unknown>;
  /** Values loaded by read/search_read, shared by every record set of this env. */
  readonly loaded: Map<string, Map<number, FieldValues>>;
  links(): unknown;
}

/** A mistake in task code's use of env (not an Odoo fault). */
export class EnvError extends Error {
  override readonly name = 'EnvError';
}

export function createCore(
  execute: Execute,
  context: Context,
  links: (() => unknown) | undefined,
  loaded = new Map<string, Map<number, FieldValues>>(),
): EnvCore {
  return {
    context,
    loaded,
    call: (model, method, args, kwargs = {}) => {
      const callContext = kwargs.context as Record<string, unknown> | undefined;
      return execute(model, method, args, { ...kwargs, context: { ...context, ...callContext } });
    },
    links: () => {
      if (links === undefined) throw new EnvError('links are not available here');
      return links();
    },
  };
}

/** Remembers loaded values (read/search_read rows) so fields read as plain properties. */
export function remember(core: EnvCore, model: string, rows: readonly FieldValues[]): void {
  let byId = core.loaded.get(model);
  if (byId === undefined) {
    byId = new Map();
    core.loaded.set(model, byId);
  }
  for (const row of rows) {
    const id = row.id as number;
    byId.set(id, { ...byId.get(id), ...row });
  }
}

export function forget(core: EnvCore, model: string, ids: readonly number[]): void {
  const byId = core.loaded.get(model);
  for (const id of ids) byId?.delete(id);
}
