/**
 * Odoo's domain language and `order` specifications translated to SQL over a model's table.
 * Values always travel as query parameters (`$n`), never inside the SQL text. Follows Odoo 16's
 * `expression.py`: prefix `&` `|` `!` with implicit `&`, negation pushed into the leaves
 * (`!` of `=` is `!=`, which matches NULLs), `= False` meaning IS NULL, `like` wrapping the value
 * in `%`, dotted paths through many2one fields as sub-selects.
 */
import { OdooFault, pyRepr, pyTuple, userError, valueError } from './faults.js';
import { isStored, models, sqlTypes, type FieldDef, type ModelDef } from './models.js';

const termOperators = new Set([
  '=',
  '!=',
  '<>',
  '<=',
  '<',
  '>',
  '>=',
  '=?',
  '=like',
  '=ilike',
  'like',
  'not like',
  'ilike',
  'not ilike',
  'in',
  'not in',
  'child_of',
  'parent_of',
]);
const negations: Record<string, string> = {
  '<': '>=',
  '>': '<=',
  '<=': '>',
  '>=': '<',
  '=': '!=',
  '!=': '=',
  in: 'not in',
  'not in': 'in',
  like: 'not like',
  'not like': 'like',
  ilike: 'not ilike',
  'not ilike': 'ilike',
};
const arity: Record<string, number> = { '!': 1, '&': 2, '|': 2 };

/** Collects query parameters and hands out their placeholders. */
export class Params {
  readonly values: unknown[] = [];
  add(value: unknown, cast?: string): string {
    this.values.push(value);
    return `$${this.values.length}${cast ? `::${cast}` : ''}`;
  }
}

type Leaf = [string, string, unknown];

/** Odoo 16's normalize_domain: inserts the implicit '&' operators; rejects a bad shape. */
function normalize(domain: unknown): unknown[] {
  if (!Array.isArray(domain)) throw valueError(`Invalid domain: ${pyRepr(domain)}`);
  if (domain.length === 0) return [];
  const result: unknown[] = [];
  let expected = 1;
  for (const token of domain) {
    if (expected === 0) {
      result.unshift('&');
      expected = 1;
    }
    expected += Array.isArray(token) ? -1 : (arity[token as string] ?? 0) - 1;
    result.push(token);
  }
  if (expected !== 0) throw new OdooFault('builtins.AssertionError', `This domain is syntactically not correct: ${pyRepr(domain)}`);
  return result;
}

function checkLeaf(token: unknown): Leaf {
  if (!Array.isArray(token) || token.length !== 3 || typeof token[1] !== 'string' || !termOperators.has(token[1].toLowerCase())) {
    throw valueError(`Invalid leaf ${Array.isArray(token) ? pyTuple(token) : pyRepr(token)}`);
  }
  return [token[0] as string, token[1].toLowerCase(), token[2]];
}

export function domainToSql(model: ModelDef, domain: unknown, params: Params, alias = 't'): string {
  const tokens = normalize(domain);
  if (tokens.length === 0) return 'TRUE';
  let position = 0;
  const next = (negated: boolean): string => {
    const token = tokens[position++];
    if (token === '!') return next(!negated);
    if (token === '&' || token === '|') {
      const joiner = (token === '&') !== negated ? 'AND' : 'OR';
      const left = next(negated);
      const right = next(negated);
      return `(${left} ${joiner} ${right})`;
    }
    if (!Array.isArray(token)) throw valueError(`Invalid leaf ${pyRepr(token)}`);
    return leafToSql(model, checkLeaf(token), negated, params, alias);
  };
  return next(false);
}

function leafToSql(model: ModelDef, leaf: Leaf, negated: boolean, params: Params, alias: string): string {
  const [path, rawOperator, value] = leaf;
  if ((path === (1 as unknown) || path === (0 as unknown)) && rawOperator === '=' && value === 1) {
    return (path === (1 as unknown)) !== negated ? 'TRUE' : 'FALSE';
  }
  let operator = rawOperator === '<>' ? '!=' : rawOperator;
  if (negated) {
    const inverse = negations[operator];
    if (inverse === undefined) return `NOT coalesce(${leafToSql(model, leaf, false, params, alias)}, false)`;
    operator = inverse;
  }
  const [head, ...rest] = String(path).split('.');
  const field = model.fields[head!];
  if (field === undefined) throw valueError(`Invalid field ${model.name}.${head} in leaf ${pyTuple(leaf)}`);
  if (operator === 'child_of' || operator === 'parent_of') throw userError(`The Odoo double does not support the operator ${operator}`);
  if (field.related) return relatedPath(field.related, rest, operator, value, model, params, alias);
  if (rest.length > 0) return subPath(model, head!, field, rest.join('.'), operator, value, params, alias);
  if (field.type === 'one2many') return one2manyLeaf(field, operator, value, params, alias);
  if (field.type === 'many2one' && isNameValue(value) && operator !== 'in' && operator !== 'not in') {
    return subPath(model, head!, field, nameField(field.relation!), operator, value, params, alias);
  }
  const column = head === 'display_name' && model.displayNameSql ? model.displayNameSql(alias) : `${alias}.${head}`;
  return comparison(column, field, operator, value, params);
}

const isNameValue = (value: unknown): boolean => typeof value === 'string';

function nameField(modelName: string): string {
  const target = models.get(modelName)!;
  return target.fields.name && isStored(target, 'name') ? 'name' : 'display_name';
}

function relatedPath(
  related: [string, string],
  rest: string[],
  operator: string,
  value: unknown,
  model: ModelDef,
  params: Params,
  alias: string,
): string {
  const via = model.fields[related[0]]!;
  return subPath(model, related[0], via, [related[1], ...rest].join('.'), operator, value, params, alias);
}

function subPath(
  model: ModelDef,
  head: string,
  field: FieldDef,
  rest: string,
  operator: string,
  value: unknown,
  params: Params,
  alias: string,
): string {
  if (field.type !== 'many2one' && field.type !== 'one2many') {
    throw valueError(`Invalid field ${model.name}.${head}.${rest}: ${head} is not a relational field`);
  }
  const target = models.get(field.relation!)!;
  const inner = `s${alias.length}`;
  const condition = leafToSql(target, [rest, operator, value], false, params, inner);
  return field.type === 'many2one'
    ? `${alias}.${head} IN (SELECT ${inner}.id FROM ${target.table} ${inner} WHERE ${condition})`
    : `${alias}.id IN (SELECT ${inner}.${field.inverse} FROM ${target.table} ${inner} WHERE ${condition})`;
}

function one2manyLeaf(field: FieldDef, operator: string, value: unknown, params: Params, alias: string): string {
  const target = models.get(field.relation!)!;
  const children = `SELECT c.${field.inverse} FROM ${target.table} c WHERE c.${field.inverse} IS NOT NULL`;
  if ((operator === '=' || operator === '!=') && (value === false || value === null)) {
    return `${alias}.id ${operator === '=' ? 'NOT IN' : 'IN'} (${children})`;
  }
  const ids = Array.isArray(value) ? value : [value];
  const positive = operator === '=' || operator === 'in';
  return `${alias}.id ${positive ? 'IN' : 'NOT IN'} (${children} AND c.id = ANY(${params.add(ids, 'integer[]')}))`;
}

function comparison(column: string, field: FieldDef, operator: string, value: unknown, params: Params): string {
  const type = sqlTypes[field.type];
  const isNull = value === false || value === null;
  switch (operator) {
    case '=?':
      return isNull ? 'TRUE' : comparison(column, field, '=', value, params);
    case '=':
    case '!=': {
      const equal = operator === '=';
      if (isNull) {
        if (field.type === 'boolean') return equal ? `(${column} IS NULL OR ${column} = false)` : `${column} = true`;
        return `${column} IS ${equal ? '' : 'NOT '}NULL`;
      }
      if (field.type === 'boolean' && value === true && !equal) return `(${column} IS NULL OR ${column} = false)`;
      return equal ? `${column} = ${params.add(value, type)}` : `(${column} != ${params.add(value, type)} OR ${column} IS NULL)`;
    }
    case '<':
    case '<=':
    case '>':
    case '>=':
      return `${column} ${operator} ${params.add(value, type)}`;
    case 'in':
    case 'not in': {
      const list = Array.isArray(value) ? value : [value];
      const values = list.filter((v) => v !== false && v !== null);
      const withNull = values.length < list.length && field.type !== 'boolean';
      const positive = operator === 'in';
      if (positive) {
        const inSql = values.length ? `${column} = ANY(${params.add(values, `${type}[]`)})` : 'FALSE';
        return withNull ? `(${inSql} OR ${column} IS NULL)` : inSql;
      }
      const outSql = values.length ? `(${column} != ALL(${params.add(values, `${type}[]`)}) OR ${column} IS NULL)` : 'TRUE';
      return withNull ? `(${outSql} AND ${column} IS NOT NULL)` : outSql;
    }
    case 'like':
    case 'ilike':
    case 'not like':
    case 'not ilike': {
      const pattern = params.add(`%${String(value)}%`, 'text'); // Odoo 16 does not escape % and _
      const sqlOperator = operator.toUpperCase();
      return operator.startsWith('not')
        ? `(${column}::text ${sqlOperator} ${pattern} OR ${column} IS NULL)`
        : `${column}::text ${sqlOperator} ${pattern}`;
    }
    case '=like':
    case '=ilike':
      return `${column}::text ${operator === '=like' ? 'LIKE' : 'ILIKE'} ${params.add(String(value), 'text')}`;
    default:
      throw valueError(`Invalid leaf ${pyTuple([column, operator, value])}`);
  }
}

const orderPattern = /^(\s*([a-z0-9:_]+|"[a-z0-9:_]+")(\.id)?(\s+(desc|asc))?\s*(,|$))+(?<!,)$/i;

/** An ORDER BY list for `order` (Odoo's `name desc, id` syntax), or the model's default order. */
export function orderToSql(model: ModelDef, order: unknown, alias = 't'): string {
  const spec = typeof order === 'string' && order.trim() !== '' ? order : model.order;
  if (!orderPattern.test(spec)) {
    throw userError(
      `Invalid "order" specified (${spec}). A valid "order" specification is a comma-separated list of valid field names (optionally followed by asc/desc for the direction)`,
    );
  }
  const parts = spec.split(',').map((part) => {
    const [name = '', direction = 'asc'] = part.trim().replace(/"/g, '').replace(/\.id$/, '').split(/\s+/);
    if (!model.fields[name]) throw valueError(`Invalid field ${pyRepr(name)} on model ${pyRepr(model.name)}`);
    const column = name === 'display_name' && model.displayNameSql ? model.displayNameSql(alias) : `${alias}.${name}`;
    if (!isStored(model, name) && name !== 'display_name')
      throw valueError(`Cannot sort ${model.name} by the non-stored field ${pyRepr(name)}`);
    return `${column} ${direction.toUpperCase()}`;
  });
  if (!parts.some((p) => p.startsWith(`${alias}.id `))) parts.push(`${alias}.id`);
  return parts.join(', ');
}
