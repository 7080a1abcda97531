/** Reading request input: JSON bodies with a clear 400 when they are not JSON, query strings, ids, pages. */
import type { Context } from 'hono';
import { z } from 'zod';
import { InvalidInputError } from '../shared/errors.js';
import { parseInput, wholeNumber } from '../shared/validation.js';

export async function readJson(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidInputError('the request body is not valid JSON');
  }
}

const pageSchema = z.strictObject({
  limit: wholeNumber(1, 500).default(100),
  offset: wholeNumber(0).default(0),
});

/**
 * The query string as a filter schema expects it: a key given once is a string, a repeated key a
 * list (hono's `queries()` makes every value a list, which no single-valued field accepts).
 */
export function readQuery(c: Context): Record<string, string | string[]> {
  return Object.fromEntries(Object.entries(c.req.queries()).map(([key, values]) => [key, values.length === 1 ? values[0]! : values]));
}

export function readPage(c: Context, extraKeys: readonly string[] = []): { limit: number; offset: number } {
  const query = Object.fromEntries(Object.entries(c.req.query()).filter(([key]) => !extraKeys.includes(key)));
  return parseInput(pageSchema, query, 'query');
}

export function readId(c: Context, name = 'id'): number {
  const raw = c.req.param(name) ?? '';
  if (!/^\d{1,15}$/.test(raw)) throw new InvalidInputError(`${name} must be a positive integer, got "${raw}"`, name);
  return Number(raw);
}
