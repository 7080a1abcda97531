/**
 * The services behind every endpoint of the double: `common` (version, login, authenticate) and
 * `object` (execute_kw, execute). One call = one transaction, as in Odoo. Positional and keyword
 * arguments are bound to the ORM method's parameters the way Python does; PostgreSQL errors become
 * the ValidationErrors Odoo 16 raises for them (`odoo/service/model.py`'s messages).
 */
import pg from 'pg';
import { checkAccessRights, type Operation } from './access.js';
import { accessDenied, OdooFault, pyRepr, unknownDatabase, userError, validationError } from './faults.js';
import { models, type ModelDef } from './models.js';
import * as orm from './orm.js';

export const versionInfo = {
  server_version: '16.0',
  server_version_info: [16, 0, 0, 'final', 0, ''],
  server_serie: '16.0',
  protocol_version: 1,
};

type Kwargs = Record<string, unknown>;
type Method = (env: orm.OrmEnv, model: ModelDef, a: Kwargs) => Promise<unknown> | unknown;

interface MethodSpec {
  /** Parameter names after the record ids (for methods on records) or all of them. */
  params: string[];
  onRecords?: boolean;
  aliases?: Record<string, string>;
  /** The access right the method needs on its model (access.ts); none for metadata and rights checks. */
  needs?: Operation;
  /** The one model that has the method (others answer AttributeError, as in Odoo). */
  only?: string;
  run: Method;
}

const methods: Record<string, MethodSpec> = {
  search: {
    params: ['args', 'offset', 'limit', 'order', 'count'],
    aliases: { domain: 'args' },
    needs: 'read',
    run: (e, m, a) => orm.search(e, m, { domain: a.args, offset: a.offset, limit: a.limit, order: a.order }),
  },
  search_read: {
    params: ['domain', 'fields', 'offset', 'limit', 'order'],
    needs: 'read',
    run: (e, m, a) => orm.searchRead(e, m, { domain: a.domain, fields: a.fields, offset: a.offset, limit: a.limit, order: a.order }),
  },
  search_count: {
    params: ['args', 'limit'],
    aliases: { domain: 'args' },
    needs: 'read',
    run: (e, m, a) => orm.searchCount(e, m, a.args),
  },
  read: { params: ['fields', 'load'], onRecords: true, needs: 'read', run: (e, m, a) => orm.read(e, m, a.ids, a.fields) },
  create: { params: ['vals_list'], aliases: { vals: 'vals_list' }, needs: 'create', run: (e, m, a) => orm.create(e, m, a.vals_list) },
  write: { params: ['vals'], onRecords: true, needs: 'write', run: (e, m, a) => orm.write(e, m, a.ids, a.vals) },
  unlink: { params: [], onRecords: true, needs: 'unlink', run: (e, m, a) => orm.unlink(e, m, a.ids) },
  fields_get: { params: ['allfields', 'attributes'], run: (e, m, a) => orm.fieldsGet(e, m, a.allfields, a.attributes) },
  name_get: { params: [], onRecords: true, needs: 'read', run: (e, m, a) => orm.nameGet(e, m, a.ids) },
  name_search: { params: ['name', 'args', 'operator', 'limit'], needs: 'read', run: (e, m, a) => orm.nameSearch(e, m, a) },
  check_access_rights: {
    params: ['operation', 'raise_exception'],
    run: (e, m, a) => checkAccessRights(e, m, a.operation, a.raise_exception),
  },
  check_object_reference: {
    params: ['module', 'xml_id', 'raise_on_access_error'],
    only: 'ir.model.data',
    run: (e, _m, a) => orm.checkObjectReference(e, a.module, a.xml_id, a.raise_on_access_error),
  },
};

function bindArguments(name: string, spec: MethodSpec, args: unknown[], kwargs: Kwargs): Kwargs {
  const names = spec.onRecords ? ['ids', ...spec.params] : spec.params;
  if (args.length > names.length)
    throw new OdooFault('builtins.TypeError', `${name}() takes ${names.length + 1} positional arguments but ${args.length + 1} were given`);
  const bound: Kwargs = Object.fromEntries(args.map((value, i) => [names[i]!, value]));
  for (const [key, value] of Object.entries(kwargs)) {
    const target = spec.aliases?.[key] ?? key;
    if (!names.includes(target)) throw new OdooFault('builtins.TypeError', `${name}() got an unexpected keyword argument ${pyRepr(key)}`);
    bound[target] = value;
  }
  if (spec.onRecords && bound.ids === undefined)
    throw new OdooFault('builtins.TypeError', `${name}() missing 1 required positional argument: 'ids'`);
  return bound;
}

const pgConstraintMessages: Record<string, string> = {
  res_partner_check_name: 'Contacts require a name',
};

/** PostgreSQL integrity errors as Odoo 16 reports them (odoo/service/model.py). */
function fromPgError(error: unknown, model: ModelDef): unknown {
  const pgError = error as { code?: string; constraint?: string; table?: string; column?: string; message?: string };
  if (pgError.code === '23502') {
    return validationError(
      `The operation cannot be completed:\n- Create/update: a mandatory field is not set.\n- Delete: another model requires the record being deleted. If possible, archive it instead.\n\nModel: ${model.description} (${model.name})\nField: ${pgError.column}\n`,
    );
  }
  if (pgError.code === '23503') {
    // PostgreSQL names the referencing table: the model that still needs the record.
    const other = [...models.values()].find((m) => m.table === pgError.table) ?? model;
    return validationError(
      `The operation cannot be completed: another model requires the record being deleted. If possible, archive it instead.\n\nModel: ${other.description} (${other.name})\nConstraint: ${pgError.constraint}\n`,
    );
  }
  if (pgError.code === '23514' && pgError.constraint && pgConstraintMessages[pgError.constraint])
    return validationError(pgConstraintMessages[pgError.constraint]!);
  if (pgError.code?.startsWith('22')) return new OdooFault('psycopg2.DataError', pgError.message ?? 'invalid value');
  return error;
}

export interface DoubleDatabase {
  name: string;
  pool: pg.Pool;
}

export class Dispatcher {
  /** Every call received, in order: `common.login`, `res.partner.fields_get` … */
  readonly calls: string[] = [];

  constructor(private readonly databases: ReadonlyMap<string, DoubleDatabase>) {}

  private database(db: unknown): DoubleDatabase {
    const found = this.databases.get(String(db));
    if (!found) throw unknownDatabase(String(db));
    return found;
  }

  async common(method: string, args: unknown[]): Promise<unknown> {
    this.calls.push(`common.${method}`);
    switch (method) {
      case 'version':
        return versionInfo;
      case 'login':
      case 'authenticate':
        return this.login(args[0], args[1], args[2]);
      default:
        throw new OdooFault('builtins.NameError', `Method not available ${method}`);
    }
  }

  /** The uid for a login and password, or false (Odoo's `common.login`). */
  async login(db: unknown, login: unknown, password: unknown): Promise<number | false> {
    const { pool } = this.database(db);
    const { rows } = await pool.query('SELECT id FROM res_users WHERE login = $1 AND password = $2 AND active', [login, password]);
    return (rows[0] as { id: number } | undefined)?.id ?? false;
  }

  async checkCredentials(db: unknown, uid: unknown, password: unknown): Promise<void> {
    const { pool } = this.database(db);
    const { rows } = await pool.query('SELECT 1 FROM res_users WHERE id = $1 AND password = $2 AND active', [uid, password]);
    if (rows.length === 0) throw accessDenied();
  }

  async object(method: string, args: unknown[]): Promise<unknown> {
    const [db, uid, password, model, name, callArgs, callKwargs] = args;
    if (method !== 'execute_kw' && method !== 'execute') throw new OdooFault('builtins.NameError', `Method not available ${method}`);
    await this.checkCredentials(db, uid, password);
    const positional = method === 'execute_kw' ? ((callArgs as unknown[] | undefined) ?? []) : args.slice(5);
    const keywords = method === 'execute_kw' ? ((callKwargs as Kwargs | undefined) ?? {}) : {};
    return this.callKw(db, Number(uid), String(model), String(name), positional, keywords);
  }

  async callKw(db: unknown, uid: number, modelName: string, method: string, args: unknown[], kwargs: Kwargs): Promise<unknown> {
    this.calls.push(`${modelName}.${method}`);
    const { pool } = this.database(db);
    const model = models.get(modelName);
    if (!model) throw userError(`Object ${modelName} doesn't exist`);
    if (method.startsWith('_'))
      throw new OdooFault('odoo.exceptions.AccessError', `Private methods (such as ${method}) cannot be called remotely.`);
    const spec = methods[method];
    if (!spec || (spec.only !== undefined && spec.only !== modelName))
      throw new OdooFault('builtins.AttributeError', `type object '${modelName}' has no attribute '${method}'`);
    const { context = {}, ...rest } = kwargs;
    const bound = bindArguments(method, spec, args, rest);
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const env: orm.OrmEnv = { client, uid, context: context as Kwargs };
      if (spec.needs) await checkAccessRights(env, model, spec.needs);
      const result = await spec.run(env, model, bound);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw fromPgError(error, model);
    } finally {
      client.release();
    }
  }
}
