/**
 * Simple Odoo domains as SQL. A domain is simple when it is a literal list of leaves over stored,
 * untranslated columns of the model with Odoo's comparison operators, combined with '&', '|'
 * and '!'. Simple domains are checked in PostgreSQL (on the live rows, or on captured old
 * values); anything else (names such as `uid`, dotted paths, computed fields) is left to Odoo.
 */
import { isPyRef, readPythonLiteral, type PyValue } from '../../projects/xml/python-literal.js';
import type { StoredField } from './catalog.js';

/** A compiled domain: SQL over a row alias, with its parameters appended to `params`. */
export interface SqlDomain {
  fields: string[];
  toSql(alias: string, params: unknown[]): string;
}

const sqlCasts: Record<string, string> = {
  integer: 'integer',
  many2one: 'integer',
  many2one_reference: 'integer',
  float: 'float8',
  monetary: 'float8',
  boolean: 'boolean',
  date: 'date',
  datetime: 'timestamp',
};

const comparisons = new Set(['=', '!=', '<>', '<', '>', '<=', '>=']);
const likes: Record<string, { not: boolean; op: 'like' | 'ilike'; wrap: boolean }> = {
  like: { not: false, op: 'like', wrap: true },
  ilike: { not: false, op: 'ilike', wrap: true },
  'not like': { not: true, op: 'like', wrap: true },
  'not ilike': { not: true, op: 'ilike', wrap: true },
  '=like': { not: false, op: 'like', wrap: false },
  '=ilike': { not: false, op: 'ilike', wrap: false },
};

interface Leaf {
  op: 'leaf';
  field: StoredField;
  operator: string;
  value: PyValue;
}
type Node = { op: '&'; left: Node; right: Node } | { op: '|'; left: Node; right: Node } | { op: '!'; inner: Node } | Leaf;

/** Parses an Odoo domain string ('' or '[]' = everything). Returns null when it is not simple. */
export function compileDomain(source: string, fields: readonly StoredField[]): SqlDomain | null {
  const text = source.trim();
  if (text === '' || text === '[]') return { fields: [], toSql: () => 'true' };
  let value: PyValue;
  try {
    value = readPythonLiteral(text);
  } catch {
    return null;
  }
  if (!Array.isArray(value)) return null;
  const byName = new Map(fields.map((f) => [f.name, f]));
  byName.set('id', { name: 'id', type: 'integer', relation: null, translated: false });
  const items = [...value];
  const nodes: Node[] = [];
  // Odoo's prefix notation, read right to left; implicit '&' between what remains.
  for (let i = items.length - 1; i >= 0; i--) {
    const item = items[i]!;
    if (item === '&' || item === '|') {
      const left = nodes.pop();
      const right = nodes.pop();
      if (!left || !right) return null;
      nodes.push(item === '&' ? { op: '&', left, right } : { op: '|', left, right });
    } else if (item === '!') {
      const inner = nodes.pop();
      if (!inner) return null;
      nodes.push({ op: '!', inner });
    } else {
      const leaf = readLeaf(item, byName);
      if (!leaf) return null;
      nodes.push(leaf);
    }
  }
  const root = nodes.reduceRight<Node | undefined>((acc, node) => (acc ? { op: '&', left: node, right: acc } : node), undefined);
  const used = [...new Set(collectFields(root!))];
  return { fields: used, toSql: (alias, params) => nodeSql(root!, alias, params) };
}

function readLeaf(item: PyValue, byName: Map<string, StoredField>): Node | null {
  if (!Array.isArray(item) || item.length !== 3) return null;
  const [name, operator, value] = item;
  if (typeof name !== 'string' || typeof operator !== 'string') return null;
  const field = byName.get(name);
  if (!field || field.translated || isPyRef(value as PyValue)) return null;
  const op = operator.toLowerCase();
  if (!comparisons.has(op) && !(op in likes) && op !== 'in' && op !== 'not in') return null;
  if ((op === 'in' || op === 'not in') && !(Array.isArray(value) && value.every((v) => !Array.isArray(v) && !isPyRef(v)))) return null;
  if (Array.isArray(value) && op !== 'in' && op !== 'not in') return null;
  return { op: 'leaf', field, operator: op, value: value as PyValue };
}

function collectFields(node: Node): string[] {
  if (node.op === 'leaf') return [node.field.name];
  if (node.op === '!') return collectFields(node.inner);
  return [...collectFields(node.left), ...collectFields(node.right)];
}

function nodeSql(node: Node, alias: string, params: unknown[]): string {
  if (node.op === '&' || node.op === '|')
    return `(${nodeSql(node.left, alias, params)} ${node.op === '&' ? 'and' : 'or'} ${nodeSql(node.right, alias, params)})`;
  if (node.op === '!') return `(not coalesce(${nodeSql(node.inner, alias, params)}, false))`;
  return leafSql(node, alias, params);
}

function param(params: unknown[], value: unknown, cast: string): string {
  params.push(value);
  return `$${params.length}::${cast}`;
}

/** Odoo's leaf semantics: False means NULL (except on booleans), '!=' and the negations include NULLs. */
function leafSql(leaf: Leaf, alias: string, params: unknown[]): string {
  const { field, operator } = leaf;
  const column = `${alias}.${quoteIdent(field.name)}`;
  const cast = sqlCasts[field.type] ?? 'text';
  const isBoolean = field.type === 'boolean';
  if (operator === 'in' || operator === 'not in') {
    const values = leaf.value as PyValue[];
    const withNull = !isBoolean && values.some((v) => v === false || v === null);
    const plain = isBoolean ? values.map(Boolean) : values.filter((v) => v !== false && v !== null);
    const target = isBoolean ? `coalesce(${column}, false)` : column;
    const test = `coalesce(${target} = any(${param(params, plain, `${cast}[]`)}), false)`;
    const positive = withNull ? `(${test} or ${column} is null)` : test;
    return operator === 'in' ? positive : `(not ${positive})`;
  }
  if (operator in likes) {
    const like = likes[operator]!;
    const pattern = like.wrap ? `%${String(leaf.value)}%` : String(leaf.value);
    const test = `${column}::text ${like.op} ${param(params, pattern, 'text')}`;
    return like.not ? `(${column} is null or not (${test}))` : `coalesce(${test}, false)`;
  }
  const op = operator === '<>' ? '!=' : operator;
  if (isBoolean) {
    const value = Boolean(leaf.value);
    return `coalesce(${column}, false) ${op === '!=' ? '<>' : op} ${param(params, value, 'boolean')}`;
  }
  if (leaf.value === false || leaf.value === null) {
    if (op === '=') return `${column} is null`;
    if (op === '!=') return `${column} is not null`;
    return 'false';
  }
  const value = param(params, leaf.value, cast);
  if (op === '!=') return `(${column} is null or ${column} <> ${value})`;
  return `coalesce(${column} ${op} ${value}, false)`;
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
