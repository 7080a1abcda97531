/**
 * Records as Odoo's `read` returns them, straight from Odoo's tables: stored fields only (binary
 * and x2many fields are left to JSON-RPC), many2one as `[id, display_name]`, translated fields
 * in the reader's language (falling back to en_US, as Odoo 16 does), dates and datetimes as
 * Odoo's strings, and False for empty values (0 for numbers). One query per model per call, one
 * more per many2one comodel; display names come from SQL where Odoo 16's own `name_get` is known
 * to be a stored column (res.partner's display_name, res.users' partner name, a model's stored
 * `name`), else from Odoo's `name_get` over JSON-RPC.
 */
import type { Queryable } from '../../db/index.js';
import type { OdooClient } from '../../odoo/index.js';
import { cachedByKey, refreshed } from '../../shared/cached.js';
import { systemClock, type Clock } from '../../shared/clock.js';
import { storedFields, tableOf, type StoredField } from './catalog.js';
import { quoteIdent } from './domain.js';
import type { Row } from './folding.js';

/** Odoo's `name_get` of `ids`, as a user of language `lang` sees them. */
export type NameGet = (model: string, ids: number[], lang: string) => Promise<[number, string][]>;

/** A display name: one string, or one per language (translated names, name_get per active language). */
export type DisplayName = string | Record<string, string>;

/**
 * How long a model's stored fields (one catalog query) are kept: a module install or upgrade adds,
 * drops, renames or retypes columns, and the changes written after it must be read with its columns.
 */
const STORED_FIELDS_MS = 1_000;
/**
 * How long what Odoo's `read` lets the sidecar's user see (`fields_get`, a JSON-RPC call) is kept
 * while the model's stored fields stay the same; they are asked again as soon as those change (a
 * new field may be one that user may not read). The active languages are kept as long. Both are
 * asked again in the background: a dispatch never waits for them once they were read (the
 * stored fields, whose columns the record read names, are read again before use).
 */
const READABLE_FIELDS_MS = 30_000;
/** The largest id an Odoo record can have (its ids are PostgreSQL `integer`s). */
const MAX_ODOO_ID = 2_147_483_647;
/** The language records are presented in when their user has none (Odoo's default). */
export const DEFAULT_LANG = 'en_US';

/** Raw rows of one model (translations unresolved), ready to present in any language. */
export interface LoadedModel {
  fields: StoredField[];
  rows: Map<number, Row>;
  names: Map<string, Map<number, DisplayName>>;
}

/** The loader of a sidecar connected to Odoo (or not): display names and readable fields asked of `odoo`. */
export function recordLoaderFor(db: Queryable, odoo: OdooClient | undefined): RecordLoader {
  return new RecordLoader(
    db,
    odoo && ((model, ids, lang) => odoo.executeKw(model, 'name_get', [ids], {}, { context: { lang } })),
    odoo &&
      (async (model) => Object.keys(await odoo.executeKw<Record<string, unknown>>(model, 'fields_get', [], { attributes: ['type'] }))),
  );
}

export class RecordLoader {
  /** A model's stored fields, as the sidecar's Odoo user may read them. */
  readonly fields: (model: string) => Promise<StoredField[]>;
  /** The codes of Odoo's active languages (kept READABLE_FIELDS_MS). */
  private readonly activeLanguages: () => Promise<string[]>;
  /** Per model: the stored fields `fields_get` was asked for (the list, and its signature), and its answer. */
  private readonly readable = new Map<string, { stored: readonly StoredField[]; signature: string; names: () => Promise<Set<string>> }>();

  constructor(
    /** Where Odoo's tables are read: the Odoo read pool, with the default planner settings (db/pool.ts). */
    readonly db: Queryable,
    private readonly nameGet: NameGet | undefined,
    /**
     * The fields Odoo's `read` lets the sidecar's Odoo user see (`fields_get`): fields restricted
     * to groups it lacks (res.users' totp_secret is never readable) are left out, as `read` refuses them.
     */
    private readonly readableFields?: (model: string) => Promise<string[]>,
    private readonly clock: Clock = systemClock,
  ) {
    const stored = cachedByKey(clock, STORED_FIELDS_MS, (model) => storedFields(db, model));
    this.fields = async (model) => {
      const fields = await stored(model);
      if (!this.readableFields) return fields;
      const visible = await this.readableOf(model, fields);
      return fields.filter((f) => visible.has(f.name));
    };
    this.activeLanguages = refreshed(clock, READABLE_FIELDS_MS, async () => {
      const { rows } = await db.query<{ code: string }>(`select code from res_lang where active order by code`);
      return rows.length ? rows.map((r) => r.code) : ['en_US'];
    });
  }

  /** Reads now what loading records of `model` needs and keeps (its fields, the active languages). */
  async prepare(model: string): Promise<void> {
    await Promise.all([this.fields(model), this.activeLanguages()]);
  }

  /** What `fields_get` lets the sidecar's user see of the model, asked again when its stored fields changed. */
  private readableOf(model: string, fields: readonly StoredField[]): Promise<Set<string>> {
    let entry = this.readable.get(model);
    // The same list (the stored fields are kept a second) needs no new signature: this runs per change dispatched.
    if (entry?.stored !== fields) {
      const signature = fields.map((f) => `${f.name}:${f.type}:${f.relation ?? ''}:${f.translated}`).join(',');
      if (entry?.signature === signature) entry = { ...entry, stored: fields };
      else {
        const readableFields = this.readableFields!;
        entry = {
          stored: fields,
          signature,
          names: refreshed(this.clock, READABLE_FIELDS_MS, async () => new Set(await readableFields(model))),
        };
      }
      this.readable.set(model, entry);
    }
    return entry.names();
  }

  /**
   * One read of `ids` (missing records are left out, ids past PostgreSQL's `integer`, which no
   * Odoo record has, included), plus the display names of their many2one values.
   */
  async load(model: string, ids: readonly number[]): Promise<LoadedModel> {
    const fields = await this.fields(model);
    const columns = fields.map((f) => `${selectExpression(f)} as ${quoteIdent(f.name)}`);
    const { rows } = await this.db.query<Row>(
      `select t.id${columns.map((c) => `, ${c}`).join('')} from ${quoteIdent(tableOf(model))} t where t.id = any($1::int[])`,
      [[...new Set(ids)].filter((id) => id <= MAX_ODOO_ID)],
    );
    const byId = new Map(rows.map((row) => [Number(row.id), row]));
    return { fields, rows: byId, names: await this.displayNames(fields, rows) };
  }

  /** The language of each of these Odoo users that has one (their partner's `lang`). */
  async languagesOf(uids: readonly unknown[]): Promise<Map<number, string>> {
    const ids = [...new Set(uids.filter((u) => u !== null && u !== undefined).map(Number))];
    if (ids.length === 0) return new Map();
    const { rows } = await this.db.query<{ id: number; lang: string | null }>(
      `select u.id, p.lang from res_users u join res_partner p on p.id = u.partner_id where u.id = any($1::int[])`,
      [ids],
    );
    return new Map(rows.filter((r) => r.lang).map((r) => [r.id, r.lang!]));
  }

  /** The display names of the many2one values in `rows` (loaded, or deleted rows as captured), per comodel. */
  async displayNames(fields: readonly StoredField[], rows: readonly Row[]): Promise<Map<string, Map<number, DisplayName>>> {
    const wanted = new Map<string, Set<number>>();
    for (const field of fields) {
      if (field.type !== 'many2one' || !field.relation) continue;
      const ids = wanted.get(field.relation) ?? new Set<number>();
      for (const row of rows) if (row[field.name] !== null && row[field.name] !== undefined) ids.add(Number(row[field.name]));
      wanted.set(field.relation, ids);
    }
    const names = new Map<string, Map<number, DisplayName>>();
    await Promise.all(
      [...wanted].map(async ([relation, idSet]) => {
        if (idSet.size === 0) return;
        const ids = [...idSet];
        const sql = await this.displayNameSql(relation);
        if (sql) {
          const { rows: found } = await this.db.query<{ id: number; name: DisplayName }>(sql, [ids]);
          names.set(relation, new Map(found.map((r) => [r.id, r.name])));
          return;
        }
        // name_get may translate (a translated name, a selection label): once per active language.
        const nameGet = this.requireNameGet(relation);
        const byId = new Map<number, Record<string, string>>();
        for (const lang of await this.activeLanguages()) {
          for (const [id, name] of await nameGet(relation, ids, lang)) {
            const entry = byId.get(id) ?? {};
            entry[lang] = name;
            byId.set(id, entry);
          }
        }
        names.set(relation, byId);
      }),
    );
    return names;
  }

  /** SQL for `[id, display_name]` where Odoo 16's name_get reads one stored column, else undefined. */
  private async displayNameSql(model: string): Promise<string | undefined> {
    if (model === 'res.users') {
      return `select u.id, p.name from res_users u join res_partner p on p.id = u.partner_id where u.id = any($1::int[])`;
    }
    const fields = await this.fields(model).catch(() => []);
    const column =
      fields.find((f) => f.name === 'display_name') ?? (NAME_GET_IS_NAME.has(model) ? fields.find((f) => f.name === 'name') : undefined);
    // A translated column comes whole (jsonb, one value per language); present() picks the reader's.
    if (!column) return undefined;
    return `select id, ${quoteIdent(column.name)} as name from ${quoteIdent(tableOf(model))} where id = any($1::int[])`;
  }

  private requireNameGet(model: string): NameGet {
    if (!this.nameGet) throw new Error(`display names of ${model} need Odoo's name_get: set ODOO_URL`);
    return this.nameGet;
  }
}

/**
 * Models whose Odoo 16 name_get is their `name` column (the default, not overridden; translated for
 * res.partner.title, res.country, res.partner.industry and ir.model). Not res.partner.category: its
 * name_get prefixes the parent categories ("Parent / Child").
 */
const NAME_GET_IS_NAME = new Set([
  'res.company',
  'res.lang',
  'res.currency',
  'res.partner.title',
  'res.country',
  'res.partner.industry',
  'ir.model',
]);

function selectExpression(field: StoredField): string {
  const column = `t.${quoteIdent(field.name)}`;
  if (field.type === 'datetime') return `to_char(${column}, 'YYYY-MM-DD HH24:MI:SS')`;
  if (field.type === 'date') return `to_char(${column}, 'YYYY-MM-DD')`;
  if (field.type === 'float' || field.type === 'monetary') return `${column}::float8`;
  return column;
}

/** One record's values as Odoo's `read` gives them to a user of language `lang`. */
export function present(loaded: LoadedModel, id: number, lang: string): Row | undefined {
  const row = loaded.rows.get(id);
  if (!row) return undefined;
  const values: Row = { id };
  for (const field of loaded.fields) values[field.name] = readValue(field, row[field.name], lang, loaded.names);
  return values;
}

/** Values of a row captured by a pg trigger (to_jsonb of the deleted row), as `read` would have given them. */
export function presentCaptured(fields: readonly StoredField[], row: Row, lang: string, names: Map<string, Map<number, DisplayName>>): Row {
  const values: Row = { id: Number(row.id) };
  for (const field of fields) {
    if (!(field.name in row)) continue;
    let value = row[field.name];
    if (typeof value === 'string' && field.type === 'datetime') value = value.replace('T', ' ').slice(0, 19);
    values[field.name] = readValue(field, value, lang, names);
  }
  return values;
}

function readValue(field: StoredField, value: unknown, lang: string, names: Map<string, Map<number, DisplayName>>): unknown {
  if (value === null || value === undefined) {
    if (field.type === 'integer' || field.type === 'float' || field.type === 'monetary' || field.type === 'many2one_reference') return 0;
    return false;
  }
  if (field.type === 'boolean') return Boolean(value);
  if (field.translated) return inLanguage(value as Record<string, string>, lang);
  if (field.type === 'many2one') {
    const id = Number(value);
    const name = names.get(field.relation!)?.get(id);
    return [id, typeof name === 'object' ? inLanguage(name, lang) : (name ?? false)];
  }
  return value;
}

/** A translated value as a reader of `lang` sees it (Odoo falls back to en_US). */
function inLanguage(translations: Record<string, string>, lang: string): string | false {
  return translations[lang] ?? translations.en_US ?? false;
}
