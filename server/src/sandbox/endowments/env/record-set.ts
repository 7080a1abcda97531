/**
 * RecordSet: an ordered, immutable list of ids of one model, used the way Odoo users write record
 * sets: `records[0]`, `length`, iteration, `mapped`, `filtered`, `sorted`, `ensure_one`,
 * `exists`. Loaded field values read as plain properties on a single record (`rec.name`); on
 * several records that is an error naming them, and an unloaded field raises an EnvError saying
 * how to load it. The API's own names (model, ids, length, id, read, write, ...) take precedence
 * over fields; `records.get('model')` reads a field of such a name.
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
  if (state.ids.length === 0) return false;
  if (state.ids.length !== 1) {
    throw new EnvError(
      `expected a single record, got ${label(state)}: read '${field}' per record, e.g. records.mapped('${field}') or records[0].${field}`,
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

function recordAt(state: RecordSetState, index: number): RecordSet {
  const id = state.ids[index];
  if (id === undefined) throw new EnvError(`index ${index} out of range: ${label(state)} has ${state.ids.length} records`);
  return new RecordSet(state.core, state.model, [id]);
}

/** A field name or a function of a record, as mapped/filtered/sorted take them. */
type FieldOrFunction<T> = string | ((record: RecordSet) => T);

function valueOf<T>(record: RecordSet, key: FieldOrFunction<T>): unknown {
  return typeof key === 'string' ? record.get(key) : key(record);
}

function compareValues(a: unknown, b: unknown): number {
  // Odoo sorts False/None first.
  const empty = (v: unknown) => v === false || v === null || v === undefined;
  if (empty(a) || empty(b)) return empty(a) === empty(b) ? 0 : empty(a) ? -1 : 1;
  const x = Array.isArray(a) ? a[1] : a;
  const y = Array.isArray(b) ? b[1] : b;
  if (typeof x === 'string' && typeof y === 'string') return x.localeCompare(y);
  return x! < y! ? -1 : x! > y! ? 1 : 0;
}

const handler: ProxyHandler<RecordSet> = {
  get(target, property, receiver) {
    if (typeof property === 'symbol' || property in target) return Reflect.get(target, property, receiver);
    // Not thenable: `await` and promise resolution look for `then`.
    if (property === 'then') return undefined;
    const state = stateOf(receiver as RecordSet);
    if (/^(0|[1-9]\d*)$/.test(property)) return recordAt(state, Number(property));
    return fieldValue(state, property);
  },
  set(_target, property) {
    throw new EnvError(`Cannot assign ${String(property)} on a record set: use await records.write({ ${String(property)}: value })`);
  },
};

export class RecordSet {
  /** Loaded field values, read through the proxy (`rec.name`). */
  readonly [field: string]: unknown;
  /** `records[0]`: the record at that position, as a record set of one. */
  readonly [index: number]: RecordSet;

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

  /** Odoo's mapped: a field's value of every record (`mapped('email')`), or a function's results. */
  mapped<T>(key: FieldOrFunction<T>): unknown[] {
    return [...this].map((record) => valueOf(record, key));
  }

  /** Odoo's filtered: the records whose field is truthy (`filtered('is_company')`) or for which the function returns truthy. */
  filtered(key: FieldOrFunction<unknown>): RecordSet {
    const { core, model } = stateOf(this);
    return new RecordSet(
      core,
      model,
      [...this].filter((record) => Boolean(valueOf(record, key))).map((record) => record.id),
    );
  }

  /** Odoo's sorted: by a field or a key function (by id when omitted); `sorted(key, true)` or `sorted(key, { reverse: true })` reverses. */
  sorted(key?: FieldOrFunction<unknown>, reverse: boolean | { reverse?: boolean } = false): RecordSet {
    const { core, model } = stateOf(this);
    const descending = typeof reverse === 'boolean' ? reverse : Boolean(reverse.reverse);
    const keyed = [...this].map((record) => ({ id: record.id, value: key === undefined ? record.id : valueOf(record, key) }));
    keyed.sort((a, b) => compareValues(a.value, b.value) * (descending ? -1 : 1));
    return new RecordSet(
      core,
      model,
      keyed.map((k) => k.id),
    );
  }

  /** This record set when it holds exactly one record; an error naming the records otherwise. */
  ensure_one(): RecordSet {
    const state = stateOf(this);
    if (state.ids.length !== 1) throw new EnvError(`expected a single record, got ${label(state)}`);
    return this;
  }

  /** The records that still exist in Odoo (one search, archived records included). */
  async exists(): Promise<RecordSet> {
    const { core, model, ids } = stateOf(this);
    if (ids.length === 0) return this;
    const found = new Set((await core.call(model, 'search', [[['id', 'in', [...ids]]]], { context: { active_test: false } })) as number[]);
    return new RecordSet(
      core,
      model,
      ids.filter((id) => found.has(id)),
    );
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

/** Values handed with a record set (e.g. a DB trigger's records, loaded before the job ran), remembered as if read. */
export function rememberValues(records: RecordSet, rows: readonly FieldValues[]): void {
  const { core, model } = stateOf(records);
  remember(core, model, rows);
}
