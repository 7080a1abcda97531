/**
 * The ORM methods the double answers (search, search_read, read, search_count, create, write,
 * unlink, fields_get, name_get, name_search, and ir.model.data's check_object_reference), each running inside the caller's transaction and
 * sending PostgreSQL the statements Odoo 16 sends (as observed on a real Odoo 16): a create is one multi-row INSERT,
 * the mail_message rows, then one UPDATE per record storing computed fields; a write is one
 * UPDATE that also sets write_date/write_uid and recomputes dependent fields, plus tracking
 * messages; an unlink deletes messages, external ids and rows, letting foreign keys cascade.
 */
import type pg from 'pg';
import { checkAccessRights, inAccessRightsGroup } from './access.js';
import { missingError, OdooFault, pyRepr, userError, validationError, valueError } from './faults.js';
import { domainToSql, orderToSql, Params } from './domain.js';
import { isStored, models, sqlTypes, type ColumnRef, type FieldDef, type ModelDef } from './models.js';

export interface OrmEnv {
  client: pg.ClientBase;
  uid: number;
  context: Record<string, unknown>;
}

type Vals = Record<string, unknown>;
type OdooRecord = Record<string, unknown>;

const magic = new Set(['id', 'create_uid', 'create_date', 'write_uid', 'write_date']);
const now = `(now() at time zone 'utc')`;

function checkFieldNames(model: ModelDef, names: Iterable<string>): void {
  for (const name of names) {
    if (!model.fields[name]) throw valueError(`Invalid field ${pyRepr(name)} on model ${pyRepr(model.name)}`);
  }
}

/** Odoo's convention: False stands for NULL everywhere but in boolean fields. */
function toColumnValue(field: FieldDef, value: unknown): unknown {
  if (field.type === 'boolean') return Boolean(value);
  if (value === false || value === undefined) return null;
  if (field.type === 'many2one' && Array.isArray(value)) return value[0];
  return value;
}

function writableVals(model: ModelDef, vals: unknown): Vals {
  if (vals === null || typeof vals !== 'object' || Array.isArray(vals))
    throw valueError(`Expected a dictionary of values, got ${pyRepr(vals)}`);
  checkFieldNames(model, Object.keys(vals));
  for (const name of Object.keys(vals)) {
    const field = model.fields[name]!;
    if (field.type === 'one2many' || field.related) throw userError(`The Odoo double cannot write the field ${name} of ${model.name}`);
  }
  return Object.fromEntries(Object.entries(vals).filter(([name]) => !magic.has(name) && !model.fields[name]!.compute));
}

function computedAssignments(model: ModelDef, col: ColumnRef, changed?: ReadonlySet<string>): string[] {
  return Object.entries(model.fields)
    .filter(([, f]) => f.compute && (changed === undefined || (f.depends ?? []).some((d) => changed.has(d))))
    .map(([name, f]) => `${name} = ${f.compute!(col)}`);
}

// ---------- reading ----------

function selectExpression(model: ModelDef, name: string, alias: string): string {
  const field = model.fields[name]!;
  if (name === 'display_name' && model.displayNameSql) return model.displayNameSql(alias);
  if (field.related) {
    const [via, target] = field.related;
    const comodel = models.get(model.fields[via]!.relation!)!;
    return `(SELECT ${selectExpression(comodel, target, 'r')} FROM ${comodel.table} r WHERE r.id = ${alias}.${via})`;
  }
  if (field.type === 'one2many') {
    const comodel = models.get(field.relation!)!;
    return `(SELECT coalesce(array_agg(c.id ORDER BY ${orderToSql(comodel, undefined, 'c')}), '{}') FROM ${comodel.table} c WHERE c.${field.inverse} = ${alias}.id)`;
  }
  if (field.type === 'many2one') {
    const comodel = models.get(field.relation!)!;
    return `CASE WHEN ${alias}.${name} IS NULL THEN NULL ELSE json_build_array(${alias}.${name}, (SELECT ${selectExpression(comodel, 'display_name', 'm')} FROM ${comodel.table} m WHERE m.id = ${alias}.${name})) END`;
  }
  if (field.type === 'datetime') return `to_char(${alias}.${name}, 'YYYY-MM-DD HH24:MI:SS')`;
  if (field.type === 'date') return `to_char(${alias}.${name}, 'YYYY-MM-DD')`;
  return `${alias}.${name}`;
}

function toReadValue(field: FieldDef, value: unknown): unknown {
  if (value !== null) return value;
  if (field.type === 'integer') return 0;
  if (field.type === 'float') return 0;
  if (field.type === 'one2many') return [];
  return false;
}

/** The fields read: those asked (AccessError for a field of a group the user lacks, as Odoo 16), or every field the user may see. */
async function readFieldNames(env: OrmEnv, model: ModelDef, fields: unknown): Promise<string[]> {
  const asked = Array.isArray(fields) && fields.length > 0;
  const names = asked ? (fields as string[]) : Object.keys(model.fields);
  checkFieldNames(model, names);
  const restricted = names.filter((n) => model.fields[n]!.groups);
  if (restricted.length > 0 && !(await inAccessRightsGroup(env))) {
    if (!asked) return [...new Set(['id', ...names.filter((n) => !model.fields[n]!.groups)])];
    throw new OdooFault(
      'odoo.exceptions.AccessError',
      'The requested operation can not be completed due to security restrictions.\n\n' +
        `Document type: ${model.description} (${model.name})\nOperation: read\nUser: ${env.uid}\nFields:\n` +
        restricted.map((n) => `- ${n} (allowed for groups 'Administration / Access Rights')`).join('\n'),
    );
  }
  return [...new Set(['id', ...names])];
}

async function selectRecords(
  env: OrmEnv,
  model: ModelDef,
  fields: unknown,
  where: string,
  params: Params,
  tail = '',
): Promise<OdooRecord[]> {
  const names = await readFieldNames(env, model, fields);
  const columns = names.map((n, i) => `${selectExpression(model, n, 't')} AS c${i}`).join(', ');
  const { rows } = await env.client.query(`SELECT ${columns} FROM ${model.table} t WHERE ${where} ${tail}`, params.values);
  return rows.map((row: Record<string, unknown>) =>
    Object.fromEntries(names.map((n, i) => [n, toReadValue(model.fields[n]!, row[`c${i}`])])),
  );
}

interface SearchOptions {
  domain: unknown;
  offset?: unknown;
  limit?: unknown;
  order?: unknown;
}

function searchWhere(env: OrmEnv, model: ModelDef, domain: unknown, params: Params): string {
  const where = domainToSql(model, domain ?? [], params);
  const mentionsActive = Array.isArray(domain) && domain.some((leaf) => Array.isArray(leaf) && leaf[0] === 'active');
  const activeTest = env.context.active_test !== false && model.fields.active !== undefined && isStored(model, 'active') && !mentionsActive;
  return activeTest ? `(${where}) AND t.active` : where;
}

function pagination(options: SearchOptions, params: Params): string {
  const limit = typeof options.limit === 'number' && options.limit > 0 ? ` LIMIT ${params.add(options.limit, 'integer')}` : '';
  const offset = typeof options.offset === 'number' && options.offset > 0 ? ` OFFSET ${params.add(options.offset, 'integer')}` : '';
  return limit + offset;
}

export async function search(env: OrmEnv, model: ModelDef, options: SearchOptions): Promise<number[]> {
  const params = new Params();
  const where = searchWhere(env, model, options.domain, params);
  const order = orderToSql(model, options.order);
  const { rows } = await env.client.query(
    `SELECT t.id FROM ${model.table} t WHERE ${where} ORDER BY ${order}${pagination(options, params)}`,
    params.values,
  );
  return rows.map((r: { id: number }) => r.id);
}

export async function searchRead(env: OrmEnv, model: ModelDef, options: SearchOptions & { fields?: unknown }): Promise<OdooRecord[]> {
  const params = new Params();
  const where = searchWhere(env, model, options.domain, params);
  const order = orderToSql(model, options.order);
  return selectRecords(env, model, options.fields, where, params, `ORDER BY ${order}${pagination(options, params)}`);
}

export async function searchCount(env: OrmEnv, model: ModelDef, domain: unknown): Promise<number> {
  const params = new Params();
  const { rows } = await env.client.query(
    `SELECT count(*)::integer AS n FROM ${model.table} t WHERE ${searchWhere(env, model, domain, params)}`,
    params.values,
  );
  return (rows[0] as { n: number }).n;
}

function idList(ids: unknown): number[] {
  const list = Array.isArray(ids) ? ids : [ids];
  if (!list.every((id) => Number.isInteger(id))) throw valueError(`Expected record ids, got ${pyRepr(ids)}`);
  return [...new Set(list as number[])];
}

export async function read(env: OrmEnv, model: ModelDef, ids: unknown, fields: unknown): Promise<OdooRecord[]> {
  const wanted = idList(ids);
  const params = new Params();
  const records = await selectRecords(env, model, fields, `t.id = ANY(${params.add(wanted, 'integer[]')})`, params);
  // Odoo 16's read skips records that no longer exist (write and unlink do raise MissingError).
  const byId = new Map(records.map((r) => [r.id as number, r]));
  return wanted.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));
}

export async function nameGet(env: OrmEnv, model: ModelDef, ids: unknown): Promise<[number, unknown][]> {
  const records = await read(env, model, ids, ['display_name']);
  return records.map((r) => [r.id as number, r.display_name]);
}

export async function nameSearch(
  env: OrmEnv,
  model: ModelDef,
  options: { name?: unknown; args?: unknown; operator?: unknown; limit?: unknown },
): Promise<[number, unknown][]> {
  const name = typeof options.name === 'string' ? options.name : '';
  const nameLeaf =
    name === '' ? [] : [[model.fields.name && isStored(model, 'name') ? 'name' : 'display_name', options.operator ?? 'ilike', name]];
  const domain = [...nameLeaf, ...((options.args as unknown[] | undefined) ?? [])];
  const ids = await search(env, model, { domain, limit: options.limit ?? 100 });
  return ids.length ? nameGet(env, model, ids) : [];
}

// ---------- writing ----------

async function authorPartner(env: OrmEnv): Promise<number | null> {
  const { rows } = await env.client.query('SELECT partner_id FROM res_users WHERE id = $1', [env.uid]);
  return (rows[0] as { partner_id: number } | undefined)?.partner_id ?? null;
}

async function postMessages(env: OrmEnv, model: ModelDef, ids: number[], body: string): Promise<void> {
  if (!model.mailThread || ids.length === 0) return;
  await env.client.query(
    `INSERT INTO mail_message (model, res_id, body, message_type, author_id, date, create_uid, write_uid, create_date, write_date)
     SELECT $1, unnest($2::integer[]), $3, 'notification', $4, ${now}, $5, $5, ${now}, ${now}`,
    [model.name, ids, body, await authorPartner(env), env.uid],
  );
}

export async function create(env: OrmEnv, model: ModelDef, valsList: unknown): Promise<number | number[]> {
  const single = !Array.isArray(valsList);
  const list = (single ? [valsList] : (valsList as unknown[])).map((vals) => writableVals(model, vals));
  if (list.length === 0) return [];
  const columns = [...new Set(list.flatMap((vals) => Object.keys(vals)))];
  const params = new Params();
  const uid = params.add(env.uid, 'integer');
  const rows = list.map((vals) => {
    const values = columns.map((name) => {
      const field = model.fields[name]!;
      return name in vals ? params.add(toColumnValue(field, vals[name]), sqlTypes[field.type]) : 'DEFAULT';
    });
    return `(${[...values, uid, now, uid, now].join(', ')})`;
  });
  const { rows: inserted } = await env.client.query(
    `INSERT INTO ${model.table} (${[...columns, 'create_uid', 'create_date', 'write_uid', 'write_date'].join(', ')}) VALUES ${rows.join(', ')} RETURNING id`,
    params.values,
  );
  const ids = inserted.map((r: { id: number }) => r.id);
  if (model.name === 'res.partner') await syncContactAddresses(env, ids);
  await postMessages(env, model, ids, `<p>${model.description} created</p>`);
  const assignments = computedAssignments(model, (name) => `t.${name}`);
  if (assignments.length > 0) {
    for (const id of ids) {
      await env.client.query(`UPDATE ${model.table} t SET ${assignments.join(', ')}, write_date = ${now}, write_uid = $2 WHERE t.id = $1`, [
        id,
        env.uid,
      ]);
    }
  }
  return single ? ids[0]! : ids;
}

export async function write(env: OrmEnv, model: ModelDef, ids: unknown, valsIn: unknown): Promise<true> {
  const wanted = idList(ids);
  const vals = writableVals(model, valsIn);
  const tracked = Object.keys(vals).filter((name) => model.fields[name]!.tracked);
  const { rows: before } = await env.client.query(
    `SELECT t.id${tracked.map((n) => `, t.${n}`).join('')} FROM ${model.table} t WHERE t.id = ANY($1::integer[]) FOR UPDATE`,
    [wanted],
  );
  const missing = wanted.filter((id) => !before.some((r: { id: number }) => r.id === id));
  if (missing.length > 0) throw missingError(model.name, missing, env.uid);
  if (wanted.length === 0 || Object.keys(vals).length === 0) return true;

  const params = new Params();
  const idsParam = params.add(wanted, 'integer[]');
  const newValue: Record<string, string> = {};
  for (const [name, value] of Object.entries(vals)) {
    const field = model.fields[name]!;
    newValue[name] = params.add(toColumnValue(field, value), sqlTypes[field.type]);
  }
  const col: ColumnRef = (name) => newValue[name] ?? `t.${name}`;
  const changed = new Set(Object.keys(vals));
  const assignments = [
    ...Object.keys(vals).map((name) => `${name} = ${newValue[name]}`),
    ...computedAssignments(model, col, changed),
    `write_date = ${now}`,
    `write_uid = ${params.add(env.uid, 'integer')}`,
  ];
  await env.client.query(`UPDATE ${model.table} t SET ${assignments.join(', ')} WHERE t.id = ANY(${idsParam})`, params.values);
  await recomputeChildren(env, model, wanted, changed);
  if (changed.has('parent_id')) await checkRecursion(env, model, wanted);
  if (model.name === 'res.partner') {
    if (changed.has('parent_id')) await syncContactAddresses(env, wanted);
    if (PARTNER_ADDRESS_FIELDS.some((name) => changed.has(name))) await syncContactAddresses(env, await contactChildren(env, wanted));
  }

  const changedIds = before
    .filter((row: Record<string, unknown>) => tracked.some((name) => row[name] !== toColumnValue(model.fields[name]!, vals[name])))
    .map((row: { id: number }) => row.id);
  await postMessages(env, model, changedIds, '');
  return true;
}

/** The address fields of res.partner that the double has (Odoo: street, street2, zip, city, state_id, country_id). */
const PARTNER_ADDRESS_FIELDS = ['city'];

/**
 * Odoo's address sync: a partner of type "contact" with a parent takes its parent's address when
 * the parent has one (on create, on a parent change, and when the parent's address changes).
 */
async function syncContactAddresses(env: OrmEnv, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  const assignments = PARTNER_ADDRESS_FIELDS.map((name) => `${name} = p.${name}`).join(', ');
  const parentHasAddress = PARTNER_ADDRESS_FIELDS.map((name) => `p.${name} IS NOT NULL`).join(' OR ');
  await env.client.query(
    `UPDATE res_partner c SET ${assignments} FROM res_partner p
      WHERE c.id = ANY($1::integer[]) AND c.parent_id = p.id AND coalesce(c.type, 'contact') = 'contact' AND (${parentHasAddress})`,
    [ids],
  );
}

async function contactChildren(env: OrmEnv, parentIds: number[]): Promise<number[]> {
  const { rows } = await env.client.query(
    `SELECT id FROM res_partner WHERE parent_id = ANY($1::integer[]) AND coalesce(type, 'contact') = 'contact'`,
    [parentIds],
  );
  return rows.map((r: { id: number }) => r.id);
}

/**
 * Children whose stored computed fields read their parent (display name, commercial partner),
 * recomputed level by level when a write changed what those fields depend on. As Odoo's ORM does,
 * the children are looked up first and written only when there are some: a write sends no UPDATE
 * that touches no row (FACTS.md: a write of `email` on one partner is one UPDATE).
 */
async function recomputeChildren(env: OrmEnv, model: ModelDef, ids: number[], changed: ReadonlySet<string>): Promise<void> {
  const parent = Object.values(model.fields).find((f) => f.type === 'one2many' && f.relation === model.name && f.inverse);
  if (!parent) return;
  const readingParent = Object.values(model.fields).filter((f) => f.compute && f.depends?.includes(parent.inverse!));
  if (![...changed].some((name) => readingParent.some((f) => f.depends!.includes(name)))) return;
  const assignments = computedAssignments(model, (name) => `t.${name}`, new Set([parent.inverse!]));
  let level = ids;
  for (let depth = 0; level.length > 0 && depth < 32; depth++) {
    const { rows } = await env.client.query(`SELECT id FROM ${model.table} WHERE ${parent.inverse} = ANY($1::integer[])`, [level]);
    level = rows.map((r: { id: number }) => r.id);
    if (level.length > 0)
      await env.client.query(`UPDATE ${model.table} t SET ${assignments.join(', ')} WHERE t.id = ANY($1::integer[])`, [level]);
  }
}

async function checkRecursion(env: OrmEnv, model: ModelDef, ids: number[]): Promise<void> {
  if (model.fields.parent_id?.relation !== model.name) return;
  const { rows } = await env.client.query(
    `WITH RECURSIVE up(start, id, depth) AS (
       SELECT t.id, t.parent_id, 1 FROM ${model.table} t WHERE t.id = ANY($1::integer[])
       UNION ALL SELECT up.start, p.parent_id, up.depth + 1 FROM up JOIN ${model.table} p ON p.id = up.id WHERE up.depth < 100 AND up.id <> up.start
     ) SELECT 1 FROM up WHERE id = start LIMIT 1`,
    [ids],
  );
  if (rows.length > 0)
    throw validationError(`You cannot create recursive ${model.name === 'res.partner' ? 'Partner' : model.description} hierarchies.`);
}

export async function unlink(env: OrmEnv, model: ModelDef, ids: unknown): Promise<true> {
  const wanted = idList(ids);
  if (wanted.length === 0) return true;
  if (model.name === 'res.partner') {
    const { rows: users } = await env.client.query(
      `SELECT p.name FROM res_users u JOIN res_partner p ON p.id = u.partner_id WHERE u.partner_id = ANY($1::integer[]) AND u.active`,
      [wanted],
    );
    if (users.length > 0) {
      const names = users.map((u: { name: string }) => u.name).join(', ');
      // Odoo 16's _unlink_except_user: a link to the users for who may edit them, else a ValidationError.
      if (await checkAccessRights(env, models.get('res.users')!, 'write', false))
        throw new OdooFault(
          'odoo.exceptions.RedirectWarning',
          `You cannot delete contacts linked to an active user.\nYou should rather archive them after archiving their associated user.\n\nLinked active users : ${names}`,
        );
      throw validationError(
        `You cannot delete contacts linked to an active user.\nAsk an administrator to archive their associated user first.\n\nLinked active users :\n${names}`,
      );
    }
  }
  if (model.mailThread)
    await env.client.query('DELETE FROM mail_message WHERE model = $1 AND res_id = ANY($2::integer[])', [model.name, wanted]);
  await env.client.query('DELETE FROM ir_model_data WHERE model = $1 AND res_id = ANY($2::integer[])', [model.name, wanted]);
  await env.client.query(`DELETE FROM ${model.table} WHERE id = ANY($1::integer[])`, [wanted]);
  return true;
}

// ---------- external ids ----------

/**
 * ir.model.data's `check_object_reference`, open to every user: [model, id] when a search (with the
 * call's context, so archived records count only under active_test=False) finds the record, else
 * [model, false] or, with raise_on_access_error, an AccessError. An unknown external id is a ValueError.
 */
export async function checkObjectReference(
  env: OrmEnv,
  module: unknown,
  xmlId: unknown,
  raiseOnAccessError: unknown,
): Promise<[string, number | false]> {
  const { rows } = await env.client.query('SELECT model, res_id FROM ir_model_data WHERE module = $1 AND name = $2', [
    String(module),
    String(xmlId),
  ]);
  const row = rows[0] as { model: string; res_id: number } | undefined;
  const target = row && models.get(row.model);
  if (!row || !target) throw valueError(`External ID not found in the system: ${String(module)}.${String(xmlId)}`);
  await checkAccessRights(env, target, 'read');
  if ((await search(env, target, { domain: [['id', '=', row.res_id]] })).length > 0) return [row.model, row.res_id];
  if (raiseOnAccessError)
    throw new OdooFault('odoo.exceptions.AccessError', `Not enough access rights on the external ID: ${String(module)}.${String(xmlId)}`);
  return [row.model, false];
}

// ---------- metadata ----------

export async function fieldsGet(
  env: OrmEnv,
  model: ModelDef,
  allfields: unknown,
  attributes: unknown,
): Promise<Record<string, Record<string, unknown>>> {
  const visible = (await inAccessRightsGroup(env)) ? () => true : (n: string) => !model.fields[n]!.groups;
  const names = (
    Array.isArray(allfields) && allfields.length > 0 ? (allfields as string[]).filter((n) => model.fields[n]) : Object.keys(model.fields)
  ).filter(visible);
  const wanted = Array.isArray(attributes) && attributes.length > 0 ? new Set(attributes as string[]) : undefined;
  return Object.fromEntries(
    names.map((name) => {
      const field = model.fields[name]!;
      const stored = isStored(model, name);
      const description: Record<string, unknown> = {
        type: field.type,
        string: field.string,
        name,
        required: Boolean(field.required),
        readonly: magic.has(name) || Boolean(field.compute || field.related) || (name === 'display_name' && !stored),
        store: stored,
        sortable: stored,
        searchable: true,
        ...(field.relation ? { relation: field.relation } : {}),
        ...(field.inverse ? { relation_field: field.inverse } : {}),
        ...(field.selection ? { selection: field.selection } : {}),
        ...(field.related ? { related: field.related.join('.') } : {}),
      };
      return [name, wanted ? Object.fromEntries(Object.entries(description).filter(([k]) => wanted.has(k))) : description];
    }),
  );
}
