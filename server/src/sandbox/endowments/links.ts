/**
 * Links for task code (upstream's API; the differences: docs/decisions/007-links-semantics.md):
 * `set_link`, `get_link`, `search_links`, the sync helpers, and `recordLinks`, which the env's
 * record sets delegate `records.set_link(...)` and `records.search_links(...)` to. Runs inside the sandbox worker: plain ES2022, nothing from the
 * host. Every operation is a JSON message (a link op) the host validates and runs on the database.
 *
 * `set_link` returns a Link, `get_link` a Link or null, `search_links` a LinkSet. A Link's
 * `.external` and `.get(system)` are single values; a LinkSet's are lists. The classes are
 * created per job, so task code can only ever touch its own job's copies.
 */
import { EXTERNAL_SYSTEM, ODOO_SYSTEM, type LinkOpResults, type LinkRow } from '../protocol.js';
import { ValidationError } from './errors.js';

/** What this module needs of the env's record sets. */
export interface RecordSetLike {
  readonly model: string;
  readonly ids: readonly number[];
  readonly length: number;
  [Symbol.iterator](): Iterator<RecordSetLike>;
}

/** The env: `env[model].browse(ids)`. Its other members (context, ref, ...) are not used here. */
export interface EnvLike {
  readonly [model: string]: unknown;
}

interface ModelLike {
  browse(ids: readonly number[]): RecordSetLike;
}

export interface LinkFunctionDependencies {
  /** Sends a link op to the host; resolves with its result. */
  call: (op: unknown) => Promise<unknown>;
  env: EnvLike;
  /** Writes a line in the job's log. */
  log: (message: string, level: 'debug') => void;
}

type SyncOptions = { create?: boolean; update?: boolean };

// ---- values -----------------------------------------------------------------------------------

/** Odoo's `YYYY-MM-DD HH:MM:SS` and other date-times without a zone are UTC. */
const zonelessDateTime = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

/** A Date or a date string → ISO; undefined, null and false → undefined (meaning now). */
function isoDate(value: unknown, what: string): string | undefined {
  if (value === undefined || value === null || value === false) return undefined;
  let date: Date | undefined;
  if (value instanceof Date) date = value;
  else if (typeof value === 'string') date = new Date(zonelessDateTime.test(value) ? `${value.replace(' ', 'T')}Z` : value);
  if (date === undefined || Number.isNaN(date.getTime())) {
    throw new TypeError(`${what}: expected a Date or a date string such as "2024-05-01 12:00:00" (UTC), got ${describe(value)}`);
  }
  return date.toISOString();
}

function describe(value: unknown): string {
  if (typeof value === 'string') return value;
  if (isRecordSet(value)) return `${value.model}(${value.ids.join(', ')})`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function isRecordSet(value: unknown): value is RecordSetLike {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as RecordSetLike).model === 'string' &&
    Array.isArray((value as RecordSetLike).ids)
  );
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** Checks an options object against its known keys. */
function options(value: unknown, known: readonly string[], what: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (!isPlainObject(value)) throw new TypeError(`${what}: options must be an object with ${known.join(', ')}`);
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) throw new TypeError(`${what}: unknown option "${key}"; known options: ${known.join(', ')}`);
  }
  return value;
}

function single(record: unknown, what: string): { model: string; id: number } {
  if (!isRecordSet(record)) throw new TypeError(`${what}: expected a record set, got ${describe(record)}`);
  if (record.ids.length !== 1) throw new ValidationError(`${what} needs exactly one record, got ${describe(record)}`);
  return { model: record.model, id: record.ids[0]! };
}

/** The ref a link holds for `system`. */
function refOf(row: LinkRow, system: string): string {
  if (row.system1 === system) return row.ref1;
  if (row.system2 === system) return row.ref2;
  throw new Error(`Cannot find value for ${system}. Found: ${row.system1} and ${row.system2}`);
}

function label(ids: readonly number[]): string {
  return `sync.link(${ids.join(', ')})`;
}

// ---- the factory --------------------------------------------------------------------------------

export function createLinkFunctions({ call, env, log }: LinkFunctionDependencies) {
  const debug = (message: string) => log(message, 'debug');

  /** An ordered set of links, newest first. Rows are this job's snapshot; update_links refreshes dates. */
  class LinkSet {
    readonly #rows: LinkRow[];
    /** Remembered for `.odoo` of an empty set (records.search_links). */
    readonly #model: string | null;

    constructor(rows: LinkRow[], model: string | null = null) {
      this.#rows = rows;
      this.#model = model;
    }

    static rowsOf(links: LinkSet | Link): LinkRow[] {
      return links instanceof Link ? Link.setOf(links).#rows : links.#rows;
    }

    get length(): number {
      return this.#rows.length;
    }
    get ids(): number[] {
      return this.#rows.map((row) => row.id);
    }
    at(index: number): Link | undefined {
      const row = this.#rows.at(index);
      return row && new Link(new LinkSet([row], this.#model));
    }
    *[Symbol.iterator](): Iterator<Link> {
      for (const row of this.#rows) yield new Link(new LinkSet([row], this.#model));
    }

    /** The linked Odoo records (ids from ref2, first-seen order), or null for links without a model. */
    get odoo(): RecordSetLike | null {
      let model = this.#model;
      const ids: number[] = [];
      for (const row of this.#rows) {
        if (model === null) model = row.model;
        else if (model !== row.model) throw new ValidationError(`Mixing apples and oranges: ${model} and ${row.model}`);
        const id = Number(row.ref2);
        if (!ids.includes(id)) ids.push(id);
      }
      return model === null ? null : (env[model] as ModelLike).browse(ids);
    }
    /** ref1 of every link: the external ref of Odoo links, the alphabetically-first system's ref otherwise. */
    get external(): string[] {
      return this.#rows.map((row) => row.ref1);
    }
    get(system: string): string[] {
      return this.#rows.map((row) => refOf(row, system));
    }
    /** The oldest date, or null for no links. */
    get sync_date(): Date | null {
      if (this.#rows.length === 0) return null;
      return new Date(this.#rows.reduce((oldest, row) => Math.min(oldest, Date.parse(row.date)), Infinity));
    }

    /** Sets every link's date to `sync_date` (a Date or a date string), or now. */
    async update_links(sync_date?: unknown): Promise<this> {
      if (this.#rows.length === 0) return this;
      const updated = (await call({
        op: 'update_dates',
        ids: this.ids,
        sync_date: isoDate(sync_date, 'update_links'),
      })) as LinkOpResults['update_dates'];
      const dates = new Map(updated.map((row) => [row.id, row.date]));
      for (const row of this.#rows) row.date = dates.get(row.id) ?? row.date;
      return this;
    }
    /** Deletes these links; resolves with how many were deleted. */
    async unlink(): Promise<number> {
      debug(`Delete links: ${label(this.ids)}`);
      if (this.#rows.length === 0) return 0;
      const { deleted } = (await call({ op: 'delete', ids: this.ids })) as LinkOpResults['delete'];
      return deleted;
    }

    /** Same model and the same links (in any order). */
    equals(other: LinkSet | Link): boolean {
      const theirs = new Set(LinkSet.rowsOf(other).map((row) => row.id));
      const mine = new Set(this.ids);
      return this.#modelName() === asSet(other).#modelName() && mine.size === theirs.size && [...mine].every((id) => theirs.has(id));
    }
    union(other: LinkSet | Link): LinkSet {
      const mine = new Set(this.ids);
      return this.#derive([...this.#rows, ...LinkSet.rowsOf(other).filter((row) => !mine.has(row.id))], other);
    }
    intersection(other: LinkSet | Link): LinkSet {
      const theirs = new Set(LinkSet.rowsOf(other).map((row) => row.id));
      return this.#derive(
        this.#rows.filter((row) => theirs.has(row.id)),
        other,
      );
    }
    difference(other: LinkSet | Link): LinkSet {
      const theirs = new Set(LinkSet.rowsOf(other).map((row) => row.id));
      return this.#derive(
        this.#rows.filter((row) => !theirs.has(row.id)),
        other,
      );
    }
    /** Links in exactly one of the two sets. */
    xor(other: LinkSet | Link): LinkSet {
      return this.union(other).difference(this.intersection(other));
    }

    toString(): string {
      return label(this.ids);
    }
    toJSON(): LinkRow[] {
      return this.#rows.map((row) => ({ ...row }));
    }

    #modelName(): string | null {
      return this.#model ?? this.#rows[0]?.model ?? null;
    }
    #derive(rows: LinkRow[], other: LinkSet | Link): LinkSet {
      return new LinkSet(rows, this.#model ?? asSet(other).#model);
    }
  }

  /** One link. `.external` and `.get(system)` are single values. */
  class Link {
    readonly #set: LinkSet;

    constructor(set: LinkSet) {
      this.#set = set;
    }

    static setOf(link: Link): LinkSet {
      return link.#set;
    }

    get #row(): LinkRow {
      return LinkSet.rowsOf(this.#set)[0]!;
    }
    get id(): number {
      return this.#row.id;
    }
    get relation(): string {
      return this.#row.relation;
    }
    get system1(): string {
      return this.#row.system1;
    }
    get ref1(): string {
      return this.#row.ref1;
    }
    get system2(): string {
      return this.#row.system2;
    }
    get ref2(): string {
      return this.#row.ref2;
    }
    get model(): string | null {
      return this.#row.model;
    }
    /** The linked Odoo record (a record set of one), or null for an external link. */
    get odoo(): RecordSetLike | null {
      return this.#set.odoo;
    }
    get external(): string {
      return this.#row.ref1;
    }
    get(system: string): string {
      return refOf(this.#row, system);
    }
    get sync_date(): Date {
      return new Date(this.#row.date);
    }
    async update_links(sync_date?: unknown): Promise<this> {
      await this.#set.update_links(sync_date);
      return this;
    }
    unlink(): Promise<number> {
      return this.#set.unlink();
    }
    equals(other: LinkSet | Link): boolean {
      return this.#set.equals(other);
    }
    toString(): string {
      return this.#set.toString();
    }
    toJSON(): LinkRow {
      return { ...this.#row };
    }
  }

  function asSet(links: LinkSet | Link): LinkSet {
    if (links instanceof Link) return Link.setOf(links);
    if (links instanceof LinkSet) return links;
    throw new TypeError(`expected links (from set_link, get_link or search_links), got ${describe(links)}`);
  }

  // ---- the host operations ----------------------------------------------------------------------

  async function setLink(relation: unknown, refs: unknown, settings: Record<string, unknown>, model: string | null): Promise<Link> {
    const { link, created } = (await call({
      op: 'set',
      relation,
      refs,
      model,
      sync_date: isoDate(settings.sync_date, 'set_link'),
      allow_many2many: settings.allow_many2many === true,
    })) as LinkOpResults['set'];
    const pair = `${link.relation} ${link.system1}=${link.ref1}, ${link.system2}=${link.ref2}${link.model ? ` (${link.model})` : ''}`;
    debug(created ? `Create link: ${pair}` : `Use existing link: ${pair}`);
    return new Link(new LinkSet([link]));
  }

  async function searchLinks(relation: unknown, refs: Record<string, unknown>, model: string | null): Promise<LinkSet> {
    const rows = (await call({ op: 'search', relation, refs, model })) as LinkOpResults['search'];
    debug(`Search links: ${relation} ${describe(refs)}${model ? ` ${model}` : ''} -> ${label(rows.map((row) => row.id))}`);
    return new LinkSet(rows, model);
  }

  // ---- what task code calls ---------------------------------------------------------------------

  /** `set_link(relation, {system_a: ref_a, system_b: ref_b}, {sync_date, allow_many2many, model})` */
  function set_link(relation: string, refs: Record<string, unknown>, settings?: unknown): Promise<Link> {
    const checked = options(settings, ['sync_date', 'allow_many2many', 'model'], 'set_link');
    if (!isPlainObject(refs))
      throw new TypeError(
        'set_link(relation, refs): refs must be an object such as {github: 7, trello: "abc"}; for Odoo records use records.set_link(relation, ref)',
      );
    return setLink(relation, refs, checked, typeof checked.model === 'string' ? checked.model : null);
  }

  /**
   * `get_link(relation, ref)`: the Odoo link of an external ref (of any model unless `model` is
   * given); `get_link(relation, {system_a: ref_or_null, system_b: ref_or_null})`: an external link.
   * Resolves with the link or null; more than one match is a ValidationError.
   */
  async function get_link(relation: string, refOrRefs: unknown, model?: string): Promise<Link | null> {
    const refs = isPlainObject(refOrRefs) ? refOrRefs : { [EXTERNAL_SYSTEM]: refOrRefs, [ODOO_SYSTEM]: null };
    const row = (await call({ op: 'get', relation, refs, model: model ?? null })) as LinkOpResults['get'];
    debug(`Get link: ${relation} ${describe(refOrRefs)} -> ${label(row ? [row.id] : [])}`);
    return row && new Link(new LinkSet([row]));
  }

  /** `search_links(relation, {system_a: ref_or_list_or_null, system_b: …})`: null = any, [] = none. */
  function search_links(relation: string, refs: unknown): Promise<LinkSet> {
    if (!isPlainObject(refs)) {
      throw new TypeError(
        'search_links(relation, refs): refs must be an object such as {github: [1, 2], trello: null}; for Odoo records use records.search_links(relation)',
      );
    }
    return searchLinks(relation, refs, null);
  }

  const recordLinks = {
    /** `records.set_link(relation, ref, sync_date | {sync_date, allow_many2many})` on one record. */
    set_link(records: RecordSetLike, relation: string, ref: unknown, settings?: unknown): Promise<Link> {
      const { model, id } = single(records, 'set_link');
      const isDate = settings instanceof Date || typeof settings === 'string';
      const checked = isDate ? { sync_date: settings } : options(settings, ['sync_date', 'allow_many2many'], 'set_link');
      return setLink(relation, { [ODOO_SYSTEM]: id, [EXTERNAL_SYSTEM]: ref }, checked, model);
    },
    /** `records.search_links(relation, refs?)`: links of these records, optionally only these external refs. */
    search_links(records: RecordSetLike, relation: string, refs?: unknown): Promise<LinkSet> {
      if (!isRecordSet(records)) throw new TypeError(`search_links: expected a record set, got ${describe(records)}`);
      return searchLinks(relation, { [ODOO_SYSTEM]: [...records.ids], [EXTERNAL_SYSTEM]: refs ?? null }, records.model);
    },
  };

  // ---- sync helpers: walk a source list, create or update the other side, link as they go --------------------------------------------------------------

  type Maybe<T> = T | null | undefined;
  async function sync<Item, Ref>(
    items: Iterable<Item>,
    lookUp: (item: Item) => Promise<Maybe<Ref>>,
    linkTo: (item: Item, ref: Ref) => Promise<unknown>,
    create: ((item: Item) => Ref | Promise<Ref>) | undefined,
    update: ((ref: Ref, item: Item) => unknown) | undefined,
  ): Promise<void> {
    for (const item of items) {
      const found = await lookUp(item);
      if (found != null && update) await update(found, item);
      else if (found == null && create) await linkTo(item, await create(item));
      else if (found != null) debug(`Destination record already exists: ${describe(found)}`);
      else debug(`Destination record not found for ${describe(item)}`);
    }
  }

  function handler<F>(info: unknown, path: string, wanted: boolean | undefined, what: string): F | undefined {
    if (!wanted) return undefined;
    const value = path.split('.').reduce<unknown>((node, key) => (isPlainObject(node) ? node[key] : undefined), info);
    if (typeof value !== 'function') throw new TypeError(`${what}: ${path} must be a function`);
    return value as F;
  }

  function relationOf(info: unknown, what: string): string {
    const relation = isPlainObject(info) ? info.relation : undefined;
    if (typeof relation !== 'string' || relation === '') throw new TypeError(`${what}: sync_info.relation must be the relation name`);
    return relation;
  }

  /** Odoo records → external system: `sync_info.x.create(record) → ref`, `sync_info.x.update(ref, record)`. */
  async function sync_odoo2x(records: Iterable<RecordSetLike>, sync_info: unknown, settings?: SyncOptions): Promise<void> {
    const { create, update } = options(settings, ['create', 'update'], 'sync_odoo2x') as SyncOptions;
    const relation = relationOf(sync_info, 'sync_odoo2x');
    await sync<RecordSetLike, unknown>(
      records,
      async (record) => {
        const refs = (await recordLinks.search_links(record, relation)).external;
        if (refs.length > 1)
          throw new ValidationError(`sync_odoo2x: ${describe(record)} has ${refs.length} links in ${relation}; it needs one-to-one links`);
        return refs[0];
      },
      (record, ref) => recordLinks.set_link(record, relation, ref),
      handler(sync_info, 'x.create', create, 'sync_odoo2x'),
      handler(sync_info, 'x.update', update, 'sync_odoo2x'),
    );
  }

  /** External data → Odoo: `sync_info.x.get_ref(item)`, `sync_info.odoo.create(item) → record`, `sync_info.odoo.update(record, item)`. */
  async function sync_x2odoo(items: Iterable<unknown>, sync_info: unknown, settings?: SyncOptions): Promise<void> {
    const { create, update } = options(settings, ['create', 'update'], 'sync_x2odoo') as SyncOptions;
    const relation = relationOf(sync_info, 'sync_x2odoo');
    const getRef = handler<(item: unknown) => unknown>(sync_info, 'x.get_ref', true, 'sync_x2odoo')!;
    await sync<unknown, RecordSetLike>(
      items,
      async (item) => (await get_link(relation, getRef(item)))?.odoo,
      (item, record) => recordLinks.set_link(record, relation, getRef(item)),
      handler(sync_info, 'odoo.create', create, 'sync_x2odoo'),
      handler(sync_info, 'odoo.update', update, 'sync_x2odoo'),
    );
  }

  /** System A → system B: `src_info = {system, get_ref, create(item) → ref, update(ref, item)}`, `dst_info = {system}`. */
  async function sync_external(
    items: Iterable<unknown>,
    relation: string,
    src_info: unknown,
    dst_info: unknown,
    settings?: SyncOptions,
  ): Promise<void> {
    const { create, update } = options(settings, ['create', 'update'], 'sync_external') as SyncOptions;
    const system = (info: unknown, name: string) => {
      const value = isPlainObject(info) ? info.system : undefined;
      if (typeof value !== 'string' || value === '') throw new TypeError(`sync_external: ${name}.system must be the system name`);
      return value;
    };
    const [source, destination] = [system(src_info, 'src_info'), system(dst_info, 'dst_info')];
    const getRef = handler<(item: unknown) => unknown>(src_info, 'get_ref', true, 'sync_external')!;
    await sync<unknown, unknown>(
      items,
      async (item) => (await get_link(relation, { [source]: getRef(item), [destination]: null }))?.get(destination),
      (item, ref) => set_link(relation, { [source]: getRef(item), [destination]: ref }),
      handler(src_info, 'create', create, 'sync_external'),
      handler(src_info, 'update', update, 'sync_external'),
    );
  }

  return { set_link, get_link, search_links, sync_odoo2x, sync_x2odoo, sync_external, recordLinks };
}

export type LinkFunctions = ReturnType<typeof createLinkFunctions>;
