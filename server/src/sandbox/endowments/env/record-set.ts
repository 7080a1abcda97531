/**
 * RecordSet: an ordered, immutable list of ids of one model. Loaded field values read as plain
 * properties on a single record (`rec.name`); an unloaded field raises an EnvError saying how to
 * load it. The API's own names (model, ids, length, id, read, write, ...) take precedence over
 * fields; `records.get('model')` reads a field of such a name.
 */
import { EnvError, forget, remember, type EnvCore, type FieldValues } from './core.js';

/** Ids per `read` call: one call for ordinary sets, chunks only for very large ones. */
export const readChunkSize = 1000;

interface RecordSetState {
  core: EnvCore;
  model: string;
  ids: readonly number[];
}

/** The links half of the API, implemented elsewhere (links/) and handed in late. */
export interface RecordLinks {
  set_link(
    records: RecordSet,
    relation: string,
    ref: unknown,
    options?: { sync_date?: string | Date; allow_many2many?: boolean },
  ): Promise<unknown>;
  search_links(records: RecordSet, relation: string, refs?: unknown): Promise<unknown>;
}

// Keyed by the proxy that task code holds; a WeakMap, so harden() never reaches the env's state.
const states = new WeakMap<object, RecordSetState>();

function stateOf(records: RecordSet): RecordSetState {
  const state = states.get(records);
  if (state === undefined) throw new EnvError('not a record set');
  return state;
}

function label(state: RecordSetState): string {
  return `${state.model}(${state.ids.join(', ')})`;
}

function fieldValue(state: RecordSetState, field: string): unknown {
  if (state.ids.length !== 1) {
    throw new EnvError(
      `Expected singleton: ${label(state)} has ${state.ids.length} records; read '${field}' per record, e.g. records.map((r) => r.${field})`,
    );
  }
  const values = state.core.loaded.get(state.model)?.get(state.ids[0]!);
  if (values === undefined || !(field in values)) {
    throw new EnvError(
      `Field '${field}' of model ${state.model} is not loaded on ${label(state)}: load it first with await records.read(['${field}'])`,
    );
  }
  return values[field];
}

const handler: ProxyHandler<RecordSet> = {
  get(target, property, receiver) {
    if (typeof property === 'symbol' || property in target) return Reflect.get(target, property, receiver);
    // Not thenable: `await` and promise resolution look for `then`.
    if (property === 'then') return undefined;
    return fieldValue(stateOf(receiver as RecordSet), property);
  },
  set(_target, property) {
    throw new EnvError(`Cannot assign ${String(property)} on a record set: use await records.write({ ${String(property)}: value })`);
  },
};

export class RecordSet {
  /** Loaded field values, read through the proxy (`rec.name`). */
  readonly [field: string]: unknown;

  constructor(core: EnvCore, model: string, ids: readonly number[]) {
    const proxy = new Proxy(this, handler);
    states.set(proxy, { core, model, ids: Object.freeze([...ids]) });
    return proxy;
  }

  get model(): string {
    return stateOf(this).model;
  }

  get ids(): readonly number[] {
    return stateOf(this).ids;
  }

  get length(): number {
    return stateOf(this).ids.length;
  }

  /** The id of a single record. */
  get id(): number {
    const state = stateOf(this);
    if (state.ids.length !== 1)
      throw new EnvError(`Expected singleton: ${label(state)} has ${state.ids.length} records; .id needs exactly one`);
    return state.ids[0]!;
  }

  *[Symbol.iterator](): Iterator<RecordSet> {
    const { core, model, ids } = stateOf(this);
    for (const id of ids) yield new RecordSet(core, model, [id]);
  }

  /** A loaded field's value, also for fields named like the API (e.g. mail.message's `model`). */
  get(field: string): unknown {
    return fieldValue(stateOf(this), field);
  }

  /** Loads `fields` (all when omitted) for every record in one call and returns them as plain objects. */
  async read(fields?: string[]): Promise<FieldValues[]> {
    const { core, model, ids } = stateOf(this);
    const rows: FieldValues[] = [];
    for (let start = 0; start < ids.length; start += readChunkSize) {
      const chunk = ids.slice(start, start + readChunkSize);
      rows.push(...((await core.call(model, 'read', fields === undefined ? [chunk] : [chunk, fields])) as FieldValues[]));
    }
    remember(core, model, rows);
    return rows;
  }

  /** Writes `vals` on every record; values loaded before are forgotten (Odoo may recompute others). */
  async write(vals: Record<string, unknown>): Promise<unknown> {
    const { core, model, ids } = stateOf(this);
    const result = await core.call(model, 'write', [ids, vals]);
    forget(core, model, ids);
    return result;
  }

  async unlink(): Promise<unknown> {
    const { core, model, ids } = stateOf(this);
    const result = await core.call(model, 'unlink', [ids]);
    forget(core, model, ids);
    return result;
  }

  /** The records of this set and the others, each once, in first-seen order. */
  union(...others: RecordSet[]): RecordSet {
    return this.combine(others, true);
  }

  /** This set followed by the others, duplicates kept. */
  concat(...others: RecordSet[]): RecordSet {
    return this.combine(others, false);
  }

  filter(predicate: (record: RecordSet, index: number) => unknown): RecordSet {
    const { core, model } = stateOf(this);
    return new RecordSet(
      core,
      model,
      [...this].filter((record, index) => predicate(record, index)).map((record) => record.id),
    );
  }

  map<T>(mapper: (record: RecordSet, index: number) => T): T[] {
    return [...this].map((record, index) => mapper(record, index));
  }

  set_link(relation: string, ref: unknown, options?: { sync_date?: string | Date; allow_many2many?: boolean }): Promise<unknown> {
    return (stateOf(this).core.links() as RecordLinks).set_link(this, relation, ref, options);
  }

  search_links(relation: string, refs?: unknown): Promise<unknown> {
    return (stateOf(this).core.links() as RecordLinks).search_links(this, relation, refs);
  }

  toJSON(): { model: string; ids: number[] } {
    const { model, ids } = stateOf(this);
    return { model, ids: [...ids] };
  }

  toString(): string {
    return label(stateOf(this));
  }

  private combine(others: RecordSet[], unique: boolean): RecordSet {
    const { core, model, ids } = stateOf(this);
    const all = [...ids];
    for (const other of others) {
      const state = stateOf(other);
      if (state.model !== model) throw new EnvError(`Cannot combine ${label(stateOf(this))} with ${label(state)}: different models`);
      all.push(...state.ids);
    }
    return new RecordSet(core, model, unique ? [...new Set(all)] : all);
  }
}
