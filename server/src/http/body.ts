/** Reading JSON request bodies with a clear 400 when they are not JSON. */
import type { Context } from 'hono';
import { z } from 'zod';
import { InvalidInputError } from '../shared/errors.js';
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

const pageSchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});

export function readPage(c: Context, extraKeys: readonly string[] = []): { limit: number; offset: number } {
  const query = Object.fromEntries(Object.entries(c.req.query()).filter(([key]) => !extraKeys.includes(key)));
  return parseInput(pageSchema, query, 'query');
}

export function readId(c: Context, name = 'id'): number {
  const raw = c.req.param(name) ?? '';
  if (!/^\d{1,15}$/.test(raw)) throw new InvalidInputError(`${name} must be a positive integer, got "${raw}"`, name);
  return Number(raw);
}
