/** Model: `env['res.partner']`, the entry point for searching, creating and calling model methods. */
import { remember, type EnvCore, type FieldValues } from './core.js';
import { RecordSet } from './record-set.js';

export type Domain = unknown[];

export interface SearchOptions {
  limit?: number;
  offset?: number;
  order?: string;
  /** Load these fields in the same call (search_read). */
  fields?: string[];
}

function defined(options: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}

export class Model {
  readonly #core: EnvCore;
  readonly #name: string;

  constructor(core: EnvCore, name: string) {
    this.#core = core;
    this.#name = name;
  }

  get name(): string {
    return this.#name;
  }

  browse(ids: number | readonly number[]): RecordSet {
    return new RecordSet(this.#core, this.#name, typeof ids === 'number' ? [ids] : ids);
  }

  async search(domain: Domain = [], options: SearchOptions = {}): Promise<RecordSet> {
    const { fields, ...paging } = options;
    if (fields !== undefined) {
      const rows = await this.search_read(domain, options);
      return this.browse(rows.map((row) => row.id as number));
    }
    const ids = (await this.#core.call(this.#name, 'search', [domain], defined(paging))) as number[];
    return this.browse(ids);
  }

  /**
   * Plain objects (also remembered, so record sets of these ids read them as properties). Takes an
   * options object, or Odoo's positional form `search_read(domain, fields, offset, limit, order)`.
   */
  async search_read(
    domain: Domain = [],
    options: SearchOptions | string[] = {},
    offset?: number,
    limit?: number,
    order?: string,
  ): Promise<FieldValues[]> {
    const kwargs = Array.isArray(options) ? { fields: options, offset, limit, order } : { ...options };
    const rows = (await this.#core.call(this.#name, 'search_read', [domain], defined(kwargs))) as FieldValues[];
    remember(this.#core, this.#name, rows);
    return rows;
  }

  async search_count(domain: Domain = []): Promise<number> {
    return (await this.#core.call(this.#name, 'search_count', [domain])) as number;
  }

  read(ids: number | readonly number[], fields?: string[]): Promise<FieldValues[]> {
    return this.browse(ids).read(fields);
  }

  /** One record for a dict, several (in one call) for a list of dicts. */
  async create(vals: Record<string, unknown> | Record<string, unknown>[]): Promise<RecordSet> {
    const result = (await this.#core.call(this.#name, 'create', [vals])) as number | number[];
    return this.browse(result);
  }

  fields_get(attributes?: string[]): Promise<Record<string, Record<string, unknown>>> {
    return this.#core.call(this.#name, 'fields_get', [], attributes === undefined ? {} : { attributes }) as Promise<
      Record<string, Record<string, unknown>>
    >;
  }

  /** Any other model method: `env['res.partner'].call('name_search', ['Azure'], {limit: 5})`. */
  call(method: string, args: unknown[] = [], kwargs: Record<string, unknown> = {}): Promise<unknown> {
    return this.#core.call(this.#name, method, args, kwargs);
  }
}
