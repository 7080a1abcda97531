/**
 * Record sets as JSON, for job arguments and values crossing the sandbox boundary:
 * `{"__recordset__": {"model": "res.partner", "ids": [1, 2]}}`.
 */
import type { Env } from './env.js';
import { RecordSet } from './record-set.js';

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

function encodedRecordSet(value: Record<string, unknown>): { model: string; ids: number[] } | undefined {
  const keys = Object.keys(value);
  const inner = value[marker];
  if (keys.length !== 1 || !isPlainObject(inner)) return undefined;
  const { model, ids } = inner;
  return typeof model === 'string' && Array.isArray(ids) && ids.every((id) => Number.isInteger(id))
    ? { model, ids: ids as number[] }
    : undefined;
}

export function decodeRecordSets(value: unknown, env: Env): unknown {
  if (Array.isArray(value)) return value.map((item) => decodeRecordSets(item, env));
  if (!isPlainObject(value)) return value;
  const encoded = encodedRecordSet(value);
  if (encoded) return env[encoded.model]!.browse(encoded.ids);
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, decodeRecordSets(item, env)]));
}
