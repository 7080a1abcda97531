/** Reading request input: JSON bodies with a clear 400 when they are not JSON, query strings, ids, pages. */
import type { Context } from 'hono';
import { z } from 'zod';
import { InvalidInputError } from '../shared/errors.js';
import { pageFields, type PageRequest } from '../shared/paging.js';
import { parseInput } from '../shared/validation.js';

export async function readJson(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidInputError('the request body is not valid JSON');
  }
}

const pageSchema = z.strictObject(pageFields(100, 500));

/**
 * The query string as a filter schema expects it: a key given once is a string, a repeated key a
 * list (hono's `queries()` makes every value a list, which no single-valued field accepts).
 */
export function readQuery(c: Context): Record<string, string | string[]> {
  return Object.fromEntries(Object.entries(c.req.queries()).map(([key, values]) => [key, values.length === 1 ? values[0]! : values]));
}

/** `limit` and `cursor` from the query string (lists page by key: shared/paging.ts). */
export function readPage(c: Context, extraKeys: readonly string[] = []): PageRequest {
  const query = Object.fromEntries(Object.entries(c.req.query()).filter(([key]) => !extraKeys.includes(key)));
  return parseInput(pageSchema, query, 'query');
}

export function readId(c: Context, name = 'id'): number {
  const raw = c.req.param(name) ?? '';
  if (!/^\d{1,15}$/.test(raw)) throw new InvalidInputError(`${name} must be a positive integer, got "${raw}"`, name);
  return Number(raw);
}
