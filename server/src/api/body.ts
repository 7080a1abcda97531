/** Reading request input: JSON bodies with a clear 400 when they are not JSON, and query strings. */
import type { Context } from 'hono';
import { InvalidInputError } from '../shared/errors.js';

export async function readJson(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidInputError('the request body is not valid JSON');
  }
}

/**
 * The query string as a filter schema expects it: a key given once is a string, a repeated key a
 * list (hono's `queries()` makes every value a list, which no single-valued field accepts).
 */
export function readQuery(c: Context): Record<string, string | string[]> {
  return Object.fromEntries(Object.entries(c.req.queries()).map(([key, values]) => [key, values.length === 1 ? values[0]! : values]));
}
