/**
 * Record sets as JSON, for job arguments and values crossing the sandbox boundary:
 * `{"__recordset__": {"model": "res.partner", "ids": [1, 2]}}`, optionally with `"values"`: rows
 * as Odoo's `read` returns them (a DB trigger's records arrive loaded), remembered on decoding.
 */
import type { FieldValues } from './core.js';
import type { Env } from './env.js';
import { RecordSet, rememberValues } from './record-set.js';

const marker = '__recordset__';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

export function encodeRecordSets(value: unknown): unknown {
  if (value instanceof RecordSet) return { [marker]: value.toJSON() };
  if (Array.isArray(value)) return value.map(encodeRecordSets);
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, encodeRecordSets(item)]));
  return value;
}

function encodedRecordSet(value: Record<string, unknown>): { model: string; ids: number[]; values?: FieldValues[] } | undefined {
  const keys = Object.keys(value);
  const inner = value[marker];
  if (keys.length !== 1 || !isPlainObject(inner)) return undefined;
  const { model, ids, values } = inner;
  if (typeof model !== 'string' || !Array.isArray(ids) || !ids.every((id) => Number.isInteger(id))) return undefined;
  const rows = Array.isArray(values)
    ? values.filter((row): row is FieldValues => isPlainObject(row) && Number.isInteger(row.id))
    : undefined;
  return { model, ids: ids as number[], ...(rows ? { values: rows } : {}) };
}

export function decodeRecordSets(value: unknown, env: Env): unknown {
  if (Array.isArray(value)) return value.map((item) => decodeRecordSets(item, env));
  if (!isPlainObject(value)) return value;
  const encoded = encodedRecordSet(value);
  if (encoded) {
    const records = env[encoded.model]!.browse(encoded.ids);
    if (encoded.values) rememberValues(records, encoded.values);
    return records;
  }
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, decodeRecordSets(item, env)]));
}
