/**
 * Odoo's catalog as the DB triggers need it: a model's table (Odoo's naming: dots become
 * underscores), whether it exists, its columns, and its stored fields with their types
 * (ir_model_fields), for checking triggers and for reading records the way Odoo's `read` does;
 * and the model a DB trigger watches.
 */
import type { Queryable } from '../../db/index.js';
import { InvalidInputError, NotFoundError, SyncStudioError } from '../../shared/errors.js';

/** Odoo's table name for a model (`res.partner` → `res_partner`); models with a custom `_table` are not supported. */
export function tableOf(model: string): string {
  return model.replace(/\./g, '_');
}

/** DB triggers need Odoo's own database (standalone mode has none). */
export class DbTriggersUnavailableError extends SyncStudioError {
  constructor() {
    super(
      'db_triggers_need_odoo',
      "DB triggers need Odoo mode: set DATABASE_URL to Odoo's PostgreSQL database (standalone mode has no Odoo tables to watch)",
      { status: 400, field: 'model' },
    );
  }
}

/** The database the sidecar runs on has no Odoo registry (`ir_model`): it is not Odoo's database. */
export class NotAnOdooDatabaseError extends SyncStudioError {
  constructor() {
    super(
      'not_an_odoo_database',
      "DB triggers watch Odoo's tables, and this database has none (no ir_model table): set DATABASE_URL to Odoo's own PostgreSQL database",
      { status: 400, field: 'model' },
    );
  }
}

/** The model is in Odoo's registry and its table exists. */
export async function checkModel(db: Queryable, model: string): Promise<void> {
  const table = tableOf(model);
  const { rows } = await db.query<{ table_exists: boolean; registry: boolean }>(
    `select to_regclass(quote_ident($1)) is not null as table_exists, to_regclass('ir_model') is not null as registry`,
    [table],
  );
  if (!rows[0]!.registry) throw new NotAnOdooDatabaseError();
  // Only now may a statement name ir_model: PostgreSQL resolves every table a statement names before running it.
  const registered = (await db.query('select 1 from ir_model where model = $1', [model])).rowCount! > 0;
  if (!rows[0]!.table_exists || !registered) {
    throw new InvalidInputError(`model ${model} does not exist in this Odoo database (no table ${table})`, 'model');
  }
}

/** The model DB trigger `id` watches. */
export async function modelOfDbTrigger(db: Queryable, id: number): Promise<string> {
  const { rows } = await db.query<{ model: string }>('select model from sync_studio.trigger_db where id = $1', [id]);
  if (!rows[0]) throw new NotFoundError('DB trigger', id);
  return rows[0].model;
}

export interface StoredField {
  name: string;
  type: string;
  /** many2one: the comodel. */
  relation: string | null;
  /** The column is jsonb: a translated field (Odoo 16 keeps one value per language). */
  translated: boolean;
}

/**
 * The model's fields stored as columns of its table that `read` returns as plain values: every
 * stored field but binary ones (attachments or large; left to JSON-RPC) and x2many (not columns).
 */
export async function storedFields(db: Queryable, model: string): Promise<StoredField[]> {
  // Prepared once per connection: a dispatch reads it whenever the list it keeps is a second old,
  // which at Odoo's usual pace is every dispatch, and planning it cost more than running it.
  const { rows } = await db.query<{ name: string; ttype: string; relation: string | null; data_type: string }>({
    name: 'sync_studio_stored_fields',
    text: `select f.name, f.ttype, f.relation, format_type(a.atttypid, null) as data_type
       from ir_model_fields f
       join pg_attribute a on a.attrelid = to_regclass(quote_ident($2)) and a.attname = f.name and a.attnum > 0 and not a.attisdropped
      where f.model = $1 and f.store and f.ttype not in ('binary', 'one2many', 'many2many')
      order by f.name`,
    values: [model, tableOf(model)],
  });
  return rows.map((r) => ({ name: r.name, type: r.ttype, relation: r.relation, translated: r.data_type === 'jsonb' && isText(r.ttype) }));
}

function isText(type: string): boolean {
  return type === 'char' || type === 'text' || type === 'html';
}
